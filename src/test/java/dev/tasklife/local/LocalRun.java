package dev.tasklife.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Envelopes;
import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.FaultProxy;
import dev.tasklife.emulator.LambdaFunction;
import dev.tasklife.emulator.MotoServer;
import dev.tasklife.emulator.PackagedFunctions;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.emulator.RuleRouter;
import dev.tasklife.emulator.SamTemplate;
import dev.tasklife.emulator.StreamPump;

/**
 * The product on this machine, without Docker or AWS: moto (DynamoDB, EventBridge, SQS) on a loopback port holding
 * the table, bus and notifications rule of template.yaml; the packaged functions (target/function.zip),
 * each in its own process of AWS's runtime interface client as Lambda runs them, configured only by environment;
 * events routed to them by the template's own rule patterns (Event Ruler); the table's stream fed to the publisher
 * function; step workers simulated (every step request is answered SUCCEEDED); the sweeper invoked on a short
 * schedule; the sample stream of {@code events/local-stream.txt} fed in. Then each task is described, and the
 * functions stay invocable with {@code aws lambda invoke --endpoint-url} until the process is stopped
 * ({@code -Dlocal.exit=true}: exit instead).
 */
public final class LocalRun {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The table's and the bus's name: the functions' defaults (application.properties), events/sam-env.json's. */
    public static final String LOCAL_NAME = "task-lifecycle";
    /** The sweeper is invoked this often, not on the template's schedule, so that the demo ends in a minute. */
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(5);
    /** How long the demo waits, at most, for the sweeper to expunge the task it lost. */
    private static final Duration SWEEP_AT_MOST = Duration.ofSeconds(60);
    private static final List<String> FUNCTIONS = List.of("StatusChangeFunction", "StepCompletionFunction",
            "PublisherFunction", "SweeperFunction", "DescribeFunction", "ReconcilerFunction");
    /** How long a task may go unheard before the reconciler asks ECS about it here (deployed: 10 minutes). */
    private static final Duration RECONCILE_QUIET = Duration.ofSeconds(2);
    /** The waits of lifecycle.md, "Every wait has a timer", short here (deployed: 60 s and 300 s). */
    private static final Duration KILL_RETRY = Duration.ofSeconds(3);
    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(6);

    private final RuleRouter router;
    private final Map<String, LambdaFunction> functionsById = new LinkedHashMap<>();
    private final StreamPump stream;
    private final EmulatedStack stack;
    private final Set<String> taskIds = new LinkedHashSet<>();
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();

    private LocalRun(SamTemplate template, PackagedFunctions functions, EmulatedStack stack, PrintStream out)
            throws Exception {
        this.router = RuleRouter.fromTemplate(template);
        this.stack = stack;
        this.out = out;
        for (String id : FUNCTIONS) {
            functionsById.put(id, functions.function(template.handlerOf(id)));
        }
        this.stream = stack.streamTo(functionsById.get("PublisherFunction"));
    }

    public static void main(String[] args) throws Exception {
        run(Integer.getInteger("local.port", 9001), Boolean.getBoolean("local.exit"), System.out);
    }

    /** Runs the demo, then serves the functions on {@code port} until interrupted (or returns, if {@code exit}). */
    public static void run(int port, boolean exit, PrintStream out) throws Exception {
        out.println("[local] starting moto on 127.0.0.1 ...");
        SamTemplate template = SamTemplate.load();
        // The table and bus take the functions' default names, and moto a port of choice (-Dlocal.moto-port, on
        // -Dlocal.moto-host), so that `sam local` can be pointed at them by a fixed env-vars file (events/sam-env.json).
        try (MotoServer moto = MotoServer.start(System.getProperty("local.moto-host", "127.0.0.1"),
                Integer.getInteger("local.moto-port", 0));
             EmulatedStack stack = EmulatedStack.create(moto.endpoint(), LOCAL_NAME);
             FaultProxy proxy = new FaultProxy(moto.endpoint())) {
            // The functions reach moto through the proxy, which answers DescribeTasks as ECS does (EcsAnswers).
            Map<String, String> environment = new LinkedHashMap<>(stack.functionEnvironment(proxy.endpoint()));
            environment.put("RECONCILE_QUIET", RECONCILE_QUIET.toString());
            environment.put("KILL_RETRY_SECONDS", Long.toString(KILL_RETRY.toSeconds()));
            environment.put("LAUNCH_TIMEOUT_SECONDS", Long.toString(LAUNCH_TIMEOUT.toSeconds()));
            stack.holdEcsTasksInTheirState();
            out.println("[local] moto at " + moto.endpoint() + "; table " + stack.tableName + ", bus " + stack.busName
                    + "; starting the six functions from " + ProjectFiles.root().relativize(
                    PackagedFunctions.functionZip()) + " with AWS's runtime interface client ...");
            List<String> handlers = FUNCTIONS.stream().map(template::handlerOf).toList();
            try (PackagedFunctions functions = PackagedFunctions.start(PackagedFunctions.functionZip(), environment,
                    handlers, 1, List.of())) {
                LocalRun local = new LocalRun(template, functions, stack, out);
                out.println("[local] routing by template.yaml's rules; the sweeper every " + SWEEP_EVERY.toSeconds()
                        + " s (deployed: " + template.parameterDefault("SweepSchedule") + ")");
                local.feed(ProjectFiles.resolve("events"));
                local.describeAll();
                Map<String, LambdaFunction> invocable = new LinkedHashMap<>(local.functionsById);
                FUNCTIONS.forEach(id -> invocable.put(template.handlerOf(id), local.functionsById.get(id)));
                try (LocalInvokeEndpoint endpoint = new LocalInvokeEndpoint(port, invocable)) {
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
        }
        out.println("[local] done; functions and moto stopped.");
    }

    private void feed(Path events) throws Exception {
        for (String line : Files.readAllLines(events.resolve("local-stream.txt"))) {
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            if (entry.equals("@sweep")) {
                sweepUntil("expunged");
                continue;
            }
            if (entry.equals("@timers")) {
                sweepUntil("killsRetried", "launchesOverdue");
                continue;
            }
            if (entry.equals("@lost-stop")) {
                healALostStop();
                continue;
            }
            say("in  " + entry);
            deliver(JSON.readTree(events.resolve(entry).toFile()));
        }
    }

    /** Puts an event on its bus: every function whose rule matches gets it, then what they published follows. */
    private void deliver(JsonNode event) throws Exception {
        Deque<JsonNode> pending = new ArrayDeque<>(List.of(event));
        while (!pending.isEmpty()) {
            JsonNode next = pending.poll();
            for (String target : router.targets(RuleRouter.busOf(next), next.toString())) {
                LambdaFunction function = functionsById.get(target);
                if (function != null) {
                    JsonNode answer = invoke(function, next.toString());
                    taskIds.add(answer.path("taskId").asText());
                    say(String.format("    -> %-22s %-9s %s", target, answer.path("verdict").asText(),
                            verdict(answer)));
                }
            }
            pending.addAll(publishedSoFar());
        }
    }

    /** An answer's move, or what it asked for and where the task stays, and why (docs/design.md, the answer). */
    private static String verdict(JsonNode answer) {
        JsonNode move = answer.path("move");
        String what = move.isObject() ? move.path("from").asText("-") + " -> " + move.path("to").asText()
                : (answer.hasNonNull("requested") ? "requested " + answer.get("requested").asText() + ", " : "")
                + "phase " + answer.path("phase").asText("-");
        return answer.hasNonNull("why") ? what + " (" + answer.get("why").asText() + ")" : what;
    }

    /**
     * What the functions published, from the stream through the publisher; a step request gets its answer. The queue
     * is read without waiting: the pump waits for the publisher, and moto delivers to the queue within PutEvents.
     */
    private List<JsonNode> publishedSoFar() throws IOException {
        stream.pump();
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode published : stack.receiveNotifications(0)) {
            next.addAll(announce(published));
        }
        return next;
    }

    /**
     * Prints a published event; a step request gets the simulated step worker's answer, and a replacement the
     * simulated scheduler's start (its agent reports it running). A kill request gets nothing: the agent side here
     * answers a kill only where the sample stream says so.
     */
    private List<JsonNode> announce(JsonNode published) {
        String type = published.get("detail-type").asText();
        JsonNode detail = published.get("detail");
        String what = switch (type) {
            case "Task State Changed" -> detail.path("from").asText("-") + " -> " + detail.path("to").asText();
            case "Task Transition Rejected" -> "requested " + detail.path("requested").asText("-") + ", phase "
                    + detail.path("phase").asText("-") + ": " + detail.path("why").asText();
            case "Task Replacement Requested" -> "replacement " + detail.path("taskId").asText()
                    + " of " + detail.path("replacementOf").asText();
            case "Task Kill Requested" -> "attempt " + detail.path("attempt").asText("-") + ": "
                    + detail.path("why").asText();
            default -> "";
        };
        say(String.format("       published %-28s %s %s", type, detail.path("taskId").asText(), what));
        if (type.equals("Task Replacement Requested")) {
            ObjectNode running = envelope("Task Status Update", "dev.tasklife.agent");
            running.putObject("detail").put("taskId", detail.path("taskId").asText()).put("state", "TASK_RUNNING")
                    .put("agentId", "local-agent").put("timestamp", clock.instant().toEpochMilli() / 1000.0)
                    .put("uuid", UUID.randomUUID().toString());
            say("       scheduler: starts " + detail.path("taskId").asText());
            return List.of(running);
        }
        if (!type.endsWith(" Requested") || !detail.has("step")) {
            return List.of();
        }
        ObjectNode completion = envelope("Task Step Completed", "dev.tasklife.steps");
        completion.putObject("detail").put("taskId", detail.path("taskId").asText())
                .put("step", detail.path("step").asText()).put("outcome", "SUCCEEDED")
                .put("reason", "done by the local step worker, key " + detail.path("idempotencyKey").asText());
        say("       step worker: " + detail.path("step").asText() + " SUCCEEDED");
        return List.of(completion);
    }

    /** An event as the simulated workers put it on the bus, now. */
    private ObjectNode envelope(String detailType, String source) {
        return Envelopes.envelope(detailType, source, clock.instant());
    }

    /** The sweeper on its (short) schedule until each of {@code counts} of its report was above 0 at least once. */
    private void sweepUntil(String... counts) throws Exception {
        Instant giveUp = clock.instant().plus(SWEEP_AT_MOST);
        Set<String> seen = new LinkedHashSet<>();
        while (seen.size() < counts.length && clock.instant().isBefore(giveUp)) {
            Thread.sleep(SWEEP_EVERY.toMillis());
            JsonNode report = invoke(functionsById.get("SweeperFunction"),
                    "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}");
            say(String.format("    -> %-22s read=%d notDue=%d expunged=%d replacements=%d stepsTimedOut=%d"
                            + " killsRetried=%d launchesOverdue=%d", "SweeperFunction", report.path("read").asInt(),
                    report.path("notDue").asInt(), report.path("expunged").asInt(),
                    report.path("replacementsRequested").asInt(), report.path("stepsTimedOut").asInt(),
                    report.path("killsRetried").asInt(), report.path("launchesOverdue").asInt()));
            for (String count : counts) {
                if (report.path(count).asInt() > 0) {
                    seen.add(count);
                }
            }
            for (JsonNode next : publishedSoFar()) {
                deliver(next);
            }
        }
    }

    /**
     * A task runs in moto's ECS and its RUNNING event arrives; ECS stops it, and the STOPPED event is lost. The
     * reconciler, once the task has been quiet for {@link #RECONCILE_QUIET}, asks ECS and moves it.
     */
    private void healALostStop() throws Exception {
        String cluster = stack.ecs("CreateCluster", "{\"clusterName\": \"local\"}").at("/cluster/clusterArn")
                .asText();
        stack.ecs("RegisterContainerInstance", JSON.createObjectNode().put("cluster", cluster)
                .put("instanceIdentityDocument", "{\"instanceId\": \"" + stack.runEc2Instance() + "\"}").toString());
        stack.ecs("RegisterTaskDefinition", "{\"family\": \"local-web\", \"containerDefinitions\": [{\"name\":"
                + " \"web\", \"image\": \"nginx\", \"memory\": 128}]}");
        String taskArn = stack.ecs("RunTask", JSON.createObjectNode().put("cluster", cluster)
                .put("taskDefinition", "local-web").put("launchType", "EC2").toString()).at("/tasks/0/taskArn").asText();
        say("ECS runs " + taskArn + " (moto)");
        ObjectNode running = (ObjectNode) JSON.readTree(ProjectFiles.resolve("events", "ecs-task-running.json")
                .toFile());
        running.put("id", UUID.randomUUID().toString()).put("time", clock.instant().toString());
        ((ObjectNode) running.get("detail")).put("taskArn", taskArn).put("clusterArn", cluster)
                .put("group", "family:local-web").put("version", 4).putArray("containers");
        say("in  its ECS Task State Change, RUNNING");
        deliver(running);
        stack.ecs("StopTask", JSON.createObjectNode().put("cluster", cluster).put("task", taskArn)
                .put("reason", "scaled in").toString());
        say("ECS stops it; its STOPPED event is lost on the way");
        Thread.sleep(RECONCILE_QUIET.plusSeconds(1).toMillis());
        JsonNode report = invoke(functionsById.get("ReconcilerFunction"),
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}");
        say(String.format("    -> %-22s read=%d ecsCalls=%d moved=%d unchanged=%d", "ReconcilerFunction",
                report.path("read").asInt(), report.path("ecsCalls").asInt(), report.path("moved").asInt(),
                report.path("unchanged").asInt()));
        for (JsonNode next : publishedSoFar()) {
            deliver(next);
        }
        taskIds.add(taskArn.substring(taskArn.lastIndexOf('/') + 1));
    }

    private void describeAll() throws IOException {
        for (String taskId : taskIds) {
            out.println("[local] describe " + taskId + ":");
            JsonNode description = invoke(functionsById.get("DescribeFunction"),
                    JSON.createObjectNode().put("taskId", taskId).toString());
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(description));
        }
    }

    private static JsonNode invoke(LambdaFunction function, String input) throws IOException {
        return JSON.readTree(function.invoke(input.getBytes(StandardCharsets.UTF_8)));
    }

    private void say(String line) {
        out.println("[local " + CLOCK.format(clock.instant()) + "] " + line);
    }
}
