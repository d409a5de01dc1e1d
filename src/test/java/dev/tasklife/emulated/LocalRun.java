package dev.tasklife.emulated;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.EventTypes;
import dev.tasklife.handler.DescribeHandler;
import dev.tasklife.handler.StatusChangeHandler;
import dev.tasklife.handler.StepCompletionHandler;
import dev.tasklife.input.JsonFields;

/**
 * The product on this machine, without Docker or AWS, in one process: moto (DynamoDB, EventBridge, SQS) on a
 * loopback port holding the table, bus and notifications rule of template.yaml; the functions' handlers; events
 * routed to them by the template's own rule patterns (Event Ruler); step workers simulated (every step request is
 * answered SUCCEEDED); the sweeper fired on the template's schedule in virtual time; the sample stream of
 * {@code events/local-stream.txt} fed in. Then each task is described, and the functions stay invocable with
 * {@code aws lambda invoke --endpoint-url} until the process is stopped ({@code -Dlocal.exit=true}: exit instead).
 */
public final class LocalRun {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    /** How many minutes of virtual time the sweeps cover after the stream: past the 15-minute expiry. */
    private static final int SWEPT_MINUTES = 16;

    private final LifecycleStack stack;
    private final RuleRouter router;
    private final Map<String, RequestStreamHandler> functionsById = new LinkedHashMap<>();
    private final Set<String> taskIds = new LinkedHashSet<>();
    private final PrintStream out;
    /** The time of the last event fed in: where the sweeps' virtual time starts. */
    private Instant latest = Instant.EPOCH;

    private LocalRun(LifecycleStack stack, RuleRouter router, PrintStream out) {
        this.stack = stack;
        this.router = router;
        this.out = out;
        functionsById.put("StatusChangeFunction", new StatusChangeHandler(stack.service, dev.tasklife.Fixtures.ADMISSION, dev.tasklife.Fixtures.NO_METRICS));
        functionsById.put("StepCompletionFunction", new StepCompletionHandler(stack.service, dev.tasklife.Fixtures.ADMISSION, dev.tasklife.Fixtures.NO_METRICS));
        functionsById.put("DescribeFunction", new DescribeHandler(stack.store, dev.tasklife.Fixtures.NO_METRICS));
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("project.root", "."));
        int port = Integer.getInteger("local.port", 9001);
        boolean exit = Boolean.getBoolean("local.exit");
        run(root, port, exit, System.out);
    }

    /** Runs the demo, then serves the functions on {@code port} until interrupted (or returns, if {@code exit}). */
    public static void run(Path root, int port, boolean exit, PrintStream out) throws Exception {
        out.println("[local] starting moto on 127.0.0.1 ...");
        try (MotoServer moto = MotoServer.start(); LifecycleStack stack = new LifecycleStack(moto.endpoint())) {
            SamTemplate template = SamTemplate.load();
            LocalRun local = new LocalRun(stack, RuleRouter.fromTemplate(template), out);
            out.println("[local] moto at " + moto.endpoint() + "; table " + stack.tableName + ", bus "
                    + stack.busName + "; routing by template.yaml's rules");
            local.feed(root.resolve("events"), template.parameterDefault("SweepSchedule"));
            local.describeAll();
            try (LocalInvokeEndpoint endpoint = new LocalInvokeEndpoint(port, local.invocableFunctions())) {
                out.println("[local] functions invocable at http://127.0.0.1:" + endpoint.port() + ", e.g.");
                out.println("  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \\");
                out.println("  aws lambda invoke --endpoint-url http://127.0.0.1:" + endpoint.port()
                        + " --function-name describe --payload file://events/describe.json /dev/stdout");
                if (!exit) {
                    out.println("[local] Ctrl-C to stop.");
                    new CountDownLatch(1).await();
                }
            }
        }
        out.println("[local] done; moto stopped.");
    }

    /** The functions by the names QUARKUS_LAMBDA_HANDLER selects, and by their template ids. */
    private Map<String, RequestStreamHandler> invocableFunctions() {
        Map<String, RequestStreamHandler> functions = new LinkedHashMap<>(functionsById);
        functions.put("status-change", functionsById.get("StatusChangeFunction"));
        functions.put("step-completion", functionsById.get("StepCompletionFunction"));
        functions.put("describe", functionsById.get("DescribeFunction"));
        return functions;
    }

    private void feed(Path events, String schedule) throws Exception {
        for (String line : Files.readAllLines(events.resolve("local-stream.txt"))) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            if (entry.equals("@sweep")) {
                sweepOnSchedule(schedule);
                continue;
            }
            JsonNode event = JsonFields.mapper().readTree(events.resolve(entry).toFile());
            latest = Instant.parse(event.get("time").asText());
            say(latest, "in  " + entry);
            deliver(event);
        }
    }

    /** Puts an event on its bus: every function whose rule matches gets it, then what they published follows. */
    private void deliver(JsonNode event) throws Exception {
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(event));
        while (!pending.isEmpty()) {
            JsonNode next = pending.poll();
            Instant time = Instant.parse(next.get("time").asText());
            for (String target : router.targets(RuleRouter.busOf(next), next.toString())) {
                RequestStreamHandler function = functionsById.get(target);
                if (function != null) {
                    JsonNode answer = invoke(function, next.toString().getBytes(StandardCharsets.UTF_8));
                    taskIds.add(answer.path("taskId").asText());
                    say(time, String.format("    -> %-22s %-9s %s -> %s %s", target, answer.path("verdict").asText(),
                            answer.path("from").asText("-"), answer.path("to").asText("-"),
                            answer.path("why").isNull() ? "" : answer.path("why").asText("")));
                }
            }
            for (JsonNode published : stack.drainNotifications()) {
                pending.addAll(announce(published));
            }
        }
    }

    /** Prints a published event; a step request gets the simulated step worker's answer. */
    private List<JsonNode> announce(JsonNode published) {
        String type = published.get("detail-type").asText();
        JsonNode detail = published.get("detail");
        Instant time = Instant.parse(detail.path("time").asText(published.get("time").asText()));
        String what = switch (type) {
            case EventTypes.TASK_STATE_CHANGED -> detail.path("from").asText("-") + " -> " + detail.path("to").asText();
            case EventTypes.TASK_TRANSITION_REJECTED -> detail.path("why").asText();
            case EventTypes.TASK_REPLACEMENT_REQUESTED -> "replacement " + detail.path("taskId").asText()
                    + " of " + detail.path("replacementOf").asText();
            default -> "";
        };
        say(time, String.format("       published %-28s %s %s", type, detail.path("taskId").asText(), what));
        if (!type.endsWith(" Requested") || !detail.has("step")) {
            return List.of();
        }
        ObjectNode completion = JsonFields.mapper().createObjectNode();
        completion.put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", EventTypes.TASK_STEP_COMPLETED).put("source", "dev.tasklife.steps")
                .put("account", dev.tasklife.Fixtures.ACCOUNT).put("time", time.plusSeconds(5).toString());
        completion.putObject("detail").put("taskId", detail.path("taskId").asText())
                .put("step", detail.path("step").asText()).put("outcome", "SUCCEEDED")
                .put("reason", "done by the local step worker, key " + detail.path("idempotencyKey").asText());
        say(time.plusSeconds(5), "       step worker: " + detail.path("step").asText() + " SUCCEEDED");
        return List.of(completion);
    }

    /** The template's schedule, run in virtual time: one sweep per period until the stale task is due. */
    private void sweepOnSchedule(String schedule) throws Exception {
        Duration period = period(schedule);
        say(latest, "schedule " + schedule + ": sweeping every " + period.toMinutes() + " virtual minute(s), "
                + SWEPT_MINUTES + " minutes");
        Instant now = latest;
        for (long elapsed = 0; elapsed < SWEPT_MINUTES * 60L; elapsed += period.toSeconds()) {
            now = now.plus(period);
            var report = stack.sweeper(now).sweep(() -> Long.MAX_VALUE);
            say(now, String.format("    -> %-22s read=%d notDue=%d expunged=%d replacements=%d stepsTimedOut=%d",
                    "SweeperFunction", report.read(), report.notDue(), report.expunged(),
                    report.replacementsRequested(), report.stepsTimedOut()));
            for (JsonNode published : stack.drainNotifications()) {
                for (JsonNode next : announce(published)) {
                    deliver(next);
                }
            }
            Thread.sleep(50);
        }
        latest = now;
    }

    private static Duration period(String schedule) {
        Matcher rate = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours)\\)").matcher(schedule);
        if (!rate.matches()) {
            throw new IllegalArgumentException("the local run understands rate(N minutes|hours), not " + schedule);
        }
        long amount = Long.parseLong(rate.group(1));
        return rate.group(2).startsWith("hour") ? Duration.ofHours(amount) : Duration.ofMinutes(amount);
    }

    private void describeAll() throws IOException {
        for (String taskId : taskIds) {
            out.println("[local] describe " + taskId + ":");
            JsonNode description = invoke(functionsById.get("DescribeFunction"),
                    ("{\"taskId\":\"" + taskId + "\"}").getBytes(StandardCharsets.UTF_8));
            out.println(JsonFields.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(description));
        }
    }

    private static JsonNode invoke(RequestStreamHandler handler, byte[] input) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(input), output, null);
        return JsonFields.mapper().readTree(output.toByteArray());
    }

    private void say(Instant time, String line) {
        out.println("[local " + CLOCK.format(time) + "] " + line);
    }
}
