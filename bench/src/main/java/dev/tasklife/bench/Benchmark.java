package dev.tasklife.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.emulated.MotoServer;
import dev.tasklife.handler.ClientSettings;
import dev.tasklife.handler.StatusChangeHandler;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.SweepReport;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Prints numbers: transitions per second and latency through the status-change handler against moto, beside a
 * read-then-write baseline; requests per transition; the packaged JVM function's cold start through a local Lambda
 * Runtime API, with its peak RSS; the sweep's cost at 100,000 tasks. Run: {@code ./mvnw -Pbench -DskipTests package
 * exec:java}. moto is slower than DynamoDB and serialises requests: compare the two columns, not the absolutes.
 */
public final class Benchmark {

    /** Bulk work on moto (100,000 seeded items, a stream backlog) is slow: the benchmark's own calls wait longer. */
    private static final ClientOverrideConfiguration GENEROUS = ClientSettings.overrides(5, Duration.ofSeconds(60),
            Duration.ofSeconds(180));
    private static final int EVENTS_PER_TASK = 25;
    private static final int EVENTS_PER_LEVEL = 400;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (MotoServer moto = MotoServer.start()) {
            System.out.println("# task-lifecycle benchmark, moto on " + moto.endpoint() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores, " + Instant.now());
            String only = System.getProperty("bench", "all");
            if (only.equals("all") || only.equals("throughput")) {
                throughput(moto);
            }
            if (only.equals("all") || only.equals("coldstart")) {
                coldStart(moto);
            }
            if (only.equals("all") || only.equals("sweep")) {
                sweepCost(moto, 100_000, 100);
            }
        }
    }

    /** An agent's flapping task: STAGING, RUNNING, then UNREACHABLE/RUNNING; every report an accepted move. */
    private static List<byte[]> agentEvents(String taskId) {
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_TASK; i++) {
            String state = i == 0 ? "TASK_STAGING" : i % 2 == 1 ? "TASK_RUNNING" : "TASK_UNREACHABLE";
            String reason = state.equals("TASK_UNREACHABLE") ? ",\"reason\":\"REASON_AGENT_DISCONNECTED\"" : "";
            events.add(("{\"id\":\"" + taskId + "-" + i + "\",\"detail-type\":\"Task Status Update\","
                    + "\"source\":\"bench\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"" + taskId
                    + "\",\"state\":\"" + state + "\"" + reason + ",\"timestamp\":" + (1795600800 + i)
                    + ",\"uuid\":\"" + taskId + "-u" + i + "\"}}").getBytes(StandardCharsets.UTF_8));
        }
        return events;
    }

    private interface Writer {
        boolean apply(String taskId, int index, byte[] event) throws Exception;
    }

    private record Level(int tasks, double perSecond, double p50, double p99, int accepted) {
    }

    private static Level run(int concurrency, String prefix, Writer writer) throws Exception {
        int tasks = EVENTS_PER_LEVEL / EVENTS_PER_TASK;
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                    String taskId = prefix + "-" + t;
                    List<byte[]> events = agentEvents(taskId);
                    for (int i = 0; i < events.size(); i++) {
                        long began = System.nanoTime();
                        if (writer.apply(taskId, i, events.get(i))) {
                            accepted.incrementAndGet();
                        }
                        latencies.add(System.nanoTime() - began);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Level(tasks, accepted.get() / seconds, sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) Math.floor(sorted.size() * 0.99)) / 1e6, accepted.get());
    }

    private static void throughput(MotoServer moto) throws Exception {
        System.out.println();
        System.out.println("## Transitions through the status-change handler (in-process), "
                + EVENTS_PER_LEVEL + " accepted moves per level, " + EVENTS_PER_TASK + " per task");
        System.out.printf("%-11s | %-44s | %-44s | %s%n", "concurrent", "this service: moves/s  p50 ms  p99 ms  req/move",
                "read-then-write: moves/s  p50 ms  p99 ms  req/move", "throughput ratio");
        try (LifecycleStack stack = new LifecycleStack(moto.endpoint(), GENEROUS)) {
            StatusChangeHandler handler = new StatusChangeHandler(stack.service, dev.tasklife.Fixtures.ADMISSION, Fixtures.NO_METRICS);
            ReadThenWrite baseline = new ReadThenWrite(stack);
            int transitions = 0;
            int publishCalls = 0;
            for (int concurrency : new int[] {1, 4, 16}) {
                stack.dynamoRequests.reset();
                Level ours = run(concurrency, "c" + concurrency, (taskId, index, event) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handler.handleRequest(new ByteArrayInputStream(event), out, null);
                    return JsonFields.mapper().readTree(out.toByteArray()).get("verdict").asText().equals("APPLIED");
                });
                double oursRequests = (double) stack.dynamoRequests.total() / ours.accepted();
                if (concurrency == 1) {
                    // What the publisher sends for these moves, read off the stream now, while the backlog is small.
                    stack.eventBridgeRequests.reset();
                    stack.drainNotifications(0);
                    transitions = ours.accepted();
                    publishCalls = stack.eventBridgeRequests.count("PutEvents");
                }
                stack.dynamoRequests.reset();
                Level theirs = run(concurrency, "b" + concurrency, baseline::apply);
                double theirRequests = (double) stack.dynamoRequests.total() / theirs.accepted();
                System.out.printf("%-11d | %8.1f  %6.1f  %6.1f  %4.2f (UpdateItem)      | %8.1f  %6.1f  %6.1f  %4.2f (Get+Put)     "
                                + "     | %.2fx%n", concurrency, ours.perSecond(), ours.p50(), ours.p99(), oursRequests,
                        theirs.perSecond(), theirs.p50(), theirs.p99(), theirRequests,
                        ours.perSecond() / theirs.perSecond());
            }
            System.out.printf("EventBridge: status-change 0 PutEvents per move; publisher %.2f PutEvents per move "
                            + "(%d calls for the %d moves at concurrency 1: one per write, a write's events batched"
                            + " together)%n", (double) publishCalls / transitions, publishCalls, transitions);
            JsonNode item = JsonFields.mapper().readTree(describeSize(stack, "c1-0"));
            System.out.printf("Write units: one conditional UpdateItem per move; DynamoDB charges 1 WCU per started"
                    + " KB of the larger image: this task's item is %d bytes after %d moves -> %d WCU per write%n",
                    item.get("bytes").asInt(), EVENTS_PER_TASK, (item.get("bytes").asInt() + 1023) / 1024);
        }
    }

    /** The item's size as DynamoDB counts it (names + values), approximately. */
    private static String describeSize(LifecycleStack stack, String taskId) {
        Map<String, AttributeValue> item = stack.rawItem(taskId);
        int bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += attribute.getKey().length() + size(attribute.getValue());
        }
        return "{\"bytes\":" + bytes + "}";
    }

    private static int size(AttributeValue value) {
        if (value.s() != null) {
            return value.s().getBytes(StandardCharsets.UTF_8).length;
        }
        if (value.n() != null) {
            return value.n().length();
        }
        if (value.hasSs()) {
            return value.ss().stream().mapToInt(String::length).sum();
        }
        if (value.hasL()) {
            return 3 + value.l().stream().mapToInt(element -> 1 + size(element)).sum();
        }
        if (value.hasM()) {
            return 3 + value.m().entrySet().stream().mapToInt(e -> 1 + e.getKey().length() + size(e.getValue()))
                    .sum();
        }
        return 1;
    }

    /**
     * The common ECS sample's way: read the record, decide, write it back whole with a condition on the version
     * read (retrying on conflict). Same phases and history as the service, two requests per move at best.
     */
    private static final class ReadThenWrite {
        private final LifecycleStack stack;

        private final String table;

        /** On a table of its own, without a stream: nothing of ours reads its items. */
        ReadThenWrite(LifecycleStack stack) {
            this.stack = stack;
            this.table = stack.tableName + "-baseline";
            stack.dynamo.createTable(create -> create.tableName(table)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(definition -> definition.attributeName("taskId").attributeType("S"))
                    .keySchema(key -> key.attributeName("taskId").keyType("HASH")));
        }

        boolean apply(String taskId, int index, byte[] event) {
            String phase = index == 0 ? "PENDING" : index % 2 == 1 ? "RUNNING" : "UNREACHABLE";
            while (true) {
                Map<String, AttributeValue> current = stack.dynamo.getItem(get -> get.tableName(table)
                        .consistentRead(true).key(Map.of("taskId", AttributeValue.fromS(taskId)))).item();
                long version = current == null || current.isEmpty() ? 0 : Long.parseLong(current.get("version").n());
                List<AttributeValue> history = new ArrayList<>(current == null || current.isEmpty()
                        ? List.of() : current.get("history").l());
                history.add(AttributeValue.fromM(Map.of("to", AttributeValue.fromS(phase),
                        "cause", AttributeValue.fromS(taskId + "-" + index),
                        "key", AttributeValue.fromS("agent:" + taskId + "-u" + index),
                        "at", AttributeValue.fromS("2026-11-25T10:00:00Z"))));
                Map<String, AttributeValue> next = new HashMap<>();
                next.put("taskId", AttributeValue.fromS(taskId));
                next.put("lastStatus", AttributeValue.fromS(phase));
                next.put("version", AttributeValue.fromN(Long.toString(version + 1)));
                next.put("history", AttributeValue.fromL(history));
                try {
                    stack.dynamo.putItem(put -> put.tableName(table).item(next)
                            .conditionExpression("attribute_not_exists(taskId) OR version = :v")
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version)))));
                    return true;
                } catch (ConditionalCheckFailedException conflict) {
                    // someone else wrote in between: read again
                }
            }
        }
    }

    private static void coldStart(MotoServer moto) throws Exception {
        Path jar = Path.of(System.getProperty("runner.jar", "target/task-lifecycle-0.1.0-SNAPSHOT-runner.jar"));
        System.out.println();
        System.out.println("## Cold start of the packaged JVM function (" + jar.getFileName()
                + " behind QuarkusStreamHandler, as the template's JVM handler), process start to first event"
                + " answered, through a local Lambda Runtime API");
        if (!Files.exists(jar)) {
            System.out.println("skipped: " + jar + " not built (run with package)");
            return;
        }
        try (LifecycleStack stack = new LifecycleStack(moto.endpoint(), GENEROUS)) {
            byte[] event = Files.readAllBytes(Path.of(System.getProperty("project.root", "."), "events",
                    "ecs-task-running.json"));
            List<Long> millis = new ArrayList<>();
            for (int run = 1; run <= 3; run++) {
                try (LocalRuntimeApi runtime = new LocalRuntimeApi()) {
                    runtime.offer(event);
                    // The runner jar (its manifest lists lib/) plus the stand-in for the managed runtime's client.
                    String classpath = jar + java.io.File.pathSeparator + Path.of(ManagedRuntimeStandIn.class
                            .getProtectionDomain().getCodeSource().getLocation().toURI());
                    ProcessBuilder builder = new ProcessBuilder("java", "-cp", classpath,
                            ManagedRuntimeStandIn.class.getName())
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                    Map<String, String> env = builder.environment();
                    env.put("AWS_LAMBDA_RUNTIME_API", runtime.address());
                    env.put("QUARKUS_LAMBDA_HANDLER", "status-change");
                    env.put("TABLE_NAME", stack.tableName);
                    env.put("EVENT_BUS_NAME", stack.busName);
                    env.put("TRUSTED_ACCOUNTS", Fixtures.ACCOUNT);
                    env.put("AWS_REGION", "us-east-1");
                    env.put("AWS_ACCESS_KEY_ID", "test");
                    env.put("AWS_SECRET_ACCESS_KEY", "test");
                    env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", moto.endpoint().toString());
                    env.put("TASKLIFE_EVENTBRIDGE_ENDPOINT_OVERRIDE", moto.endpoint().toString());
                    long start = System.nanoTime();
                    Process process = builder.start();
                    String answer = runtime.awaitAnswer(60);
                    long elapsed = (System.nanoTime() - start) / 1_000_000;
                    long peakKb = peakRssKb(process.pid());
                    process.destroy();
                    process.waitFor(10, TimeUnit.SECONDS);
                    millis.add(elapsed);
                    System.out.printf("run %d: %d ms to the first answer, peak RSS %d MB; answer %s%n", run, elapsed,
                            peakKb / 1024, answer == null ? "none" : answer.substring(0, Math.min(90, answer.length())));
                }
            }
            Collections.sort(millis);
            System.out.println("median cold start " + millis.get(1) + " ms");
        }
    }

    private static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    private static void sweepCost(MotoServer moto, int tasks, int unreachable) throws Exception {
        System.out.println();
        System.out.println("## Sweep cost: " + tasks + " tasks, " + unreachable + " unreachable (80% past expiry)");
        try (LifecycleStack stack = new LifecycleStack(moto.endpoint(), GENEROUS)) {
            int healthy = tasks - unreachable;
            List<WriteRequest> batch = new ArrayList<>();
            for (int i = 0; i < healthy; i++) {
                batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                        "taskId", AttributeValue.fromS("healthy-" + i),
                        "lastStatus", AttributeValue.fromS("RUNNING"),
                        "version", AttributeValue.fromN("2"))).build()).build());
                if (batch.size() == 25 || i == healthy - 1) {
                    List<WriteRequest> items = List.copyOf(batch);
                    stack.dynamo.batchWriteItem(write -> write.requestItems(Map.of(stack.tableName, items)));
                    batch.clear();
                }
            }
            int stale = unreachable * 8 / 10;
            for (int i = 0; i < unreachable; i++) {
                String taskId = "lost-" + i;
                long second = i < stale ? 10 : 800;
                stack.service.apply(Fixtures.agent(taskId, AgentState.RUNNING, second - 1, taskId + "-r"));
                stack.service.apply(Fixtures.agent(taskId, AgentState.UNREACHABLE, second, taskId + "-u"));
            }
            stack.dynamoRequests.reset();
            long start = System.nanoTime();
            SweepReport report = stack.sweeper(Fixtures.T0.plusSeconds(10 + 900)).sweep(() -> Long.MAX_VALUE);
            long millis = (System.nanoTime() - start) / 1_000_000;
            var requests = stack.dynamoRequests.all();
            int indexBytes = 0;
            for (int i = 0; i < unreachable; i++) {
                indexBytes += Integer.parseInt(describeSize(stack, "lost-" + i).replaceAll("[^0-9]", ""));
            }
            System.out.printf("read %d of %d tasks; requests %s; %d ms; expunged %d, not due %d%n", report.read(),
                    tasks, requests, millis, report.expunged(), report.notDue());
            System.out.printf("read units: moto reports %.1f; on DynamoDB the Query reads ~%d KB of index items -> "
                    + "~%d RCU (eventually consistent), for %d unreachable among %d tasks%n", report.readUnits(),
                    indexBytes / 1024, (int) Math.ceil(indexBytes / 4096.0 / 2), unreachable, tasks);
        }
    }
}
