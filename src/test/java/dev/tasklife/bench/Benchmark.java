package dev.tasklife.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Envelopes;
import dev.tasklife.bench.Levels.Level;
import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.FaultProxy;
import dev.tasklife.emulator.ItemSizes;
import dev.tasklife.emulator.LambdaFunction;
import dev.tasklife.emulator.LambdaProcess;
import dev.tasklife.emulator.LocalRuntimeApi;
import dev.tasklife.emulator.MotoServer;
import dev.tasklife.emulator.PackagedFunctions;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.emulator.SamTemplate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Prints numbers, measured on the packaged artifact (target/function.zip) run as Lambda runs it: each
 * function in processes of AWS's runtime interface client polling a local Runtime API, against moto on loopback,
 * every AWS request counted by a proxy in front of moto. Sections: moves per second and invocation latency of the
 * status-change function beside a read-then-write baseline (the SDK called directly, no function around it);
 * requests per move; cold start to the first answer with peak RSS; the sweep's cost among 100,000 tasks. moto is
 * slower than DynamoDB and serialises requests: compare requests and the two columns, not the absolutes. Run:
 * {@code ./mvnw -Pbench -DskipTests package} ({@code -Dbench=throughput|coldstart|sweep} for one section).
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS_PER_TASK = 25;
    private static final int EVENTS_PER_LEVEL = 400;
    private static final int[] CONCURRENCY = {1, 4, 16};
    private static final int COLD_STARTS = 5;
    /** The tasks whose write units are measured, with ids as real ones: ECS's 32 hex digits, Marathon's app.uuid. */
    /** An ECS task's lifecycle as ECS reports it, one event a phase. */
    static final List<String> ECS_PHASES = List.of("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING",
            "STOPPING", "DEPROVISIONING", "STOPPED");
    private static final String ECS_TASK_ID = "9e2f4c1a7b3d4e5f8a6b0c1d2e3f4a5b";
    private static final String CLUSTER = "production-web-cluster-01";
    private static final String AGENT_TASK_ID = "prod_web.4f6b8d0f-5b0e-11ef-9f3a-0242ac110006";
    /** The moves of the long flapping task whose write units are measured. */
    private static final int FLAPS = 200;
    /** DynamoDB's typical in-region request latency, single-digit milliseconds. */
    private static final Duration MODELLED_LATENCY = Duration.ofMillis(Long.getLong("bench.latency-ms", 5));

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (MotoServer moto = MotoServer.start(); FaultProxy proxy = new FaultProxy(moto.endpoint());
             EmulatedStack stack = EmulatedStack.create(moto.endpoint())) {
            System.out.println("# task-lifecycle benchmark, moto on " + moto.endpoint() + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores, " + Instant.now());
            String only = System.getProperty("bench", "all");
            if (only.equals("all") || only.equals("throughput")) {
                throughput(stack, proxy);
            }
            if (only.equals("all") || only.equals("coldstart")) {
                coldStart(stack, moto.endpoint());
            }
            if (only.equals("all") || only.equals("sweep")) {
                sweepCost(stack, proxy, 100_000, 100);
            }
        }
    }

    /** An agent's flapping task from its {@code first}-th report on (STAGING, RUNNING, then UNREACHABLE/RUNNING). */
    private static List<byte[]> agentEvents(String taskId, int first) {
        List<byte[]> events = new ArrayList<>();
        for (int i = first; i < first + EVENTS_PER_TASK; i++) {
            events.add(agentEvent(taskId, i));
        }
        return events;
    }

    /** The {@code i}-th report, every one a move; real-shaped: EventBridge's UUID envelope id, Mesos's UUID. */
    static byte[] agentEvent(String taskId, int i) {
        String state = i == 0 ? "TASK_STAGING" : i % 2 == 1 ? "TASK_RUNNING" : "TASK_UNREACHABLE";
        String reason = state.equals("TASK_UNREACHABLE") ? ",\"reason\":\"REASON_AGENT_DISCONNECTED\"" : "";
        return envelope("Task Status Update", "dev.tasklife.agent", "{\"taskId\":\"" + taskId + "\",\"state\":\""
                + state + "\"" + reason + ",\"timestamp\":" + (1795600800 + i) + ",\"uuid\":\"" + UUID.randomUUID()
                + "\"}");
    }

    private interface Writer {
        boolean apply(String taskId, int index, byte[] event) throws Exception;
    }

    /** The agent-task mix, {@link #EVENTS_PER_LEVEL} events a level, applied by {@code writer}. */
    private static Level run(int concurrency, String prefix, Writer writer) throws Exception {
        return Levels.run(concurrency, EVENTS_PER_LEVEL / EVENTS_PER_TASK, EVENTS_PER_TASK, prefix,
                new Levels.Path<byte[]>() {
                    @Override
                    public byte[] event(String taskId, int index) {
                        return agentEvent(taskId, index);
                    }

                    @Override
                    public boolean apply(String taskId, int index, byte[] event) throws Exception {
                        return writer.apply(taskId, index, event);
                    }
                });
    }

    private static void throughput(EmulatedStack stack, FaultProxy proxy) throws Exception {
        int environments = CONCURRENCY[CONCURRENCY.length - 1];
        System.out.println();
        System.out.println("## Moves through the packaged status-change function (" + environments + " environments"
                + " of the runtime interface client), " + EVENTS_PER_LEVEL + " accepted moves per level, "
                + EVENTS_PER_TASK + " per task; latency is the invocation's, Runtime API included");
        System.out.printf("%-11s | %-44s | %-44s | %s%n", "concurrent", "this service: moves/s  p50 ms  p99 ms  req/move",
                "read-then-write: moves/s  p50 ms  p99 ms  req/move", "ours / baseline");
        Map<String, String> environment = stack.functionEnvironment(proxy.endpoint());
        try (PackagedFunctions functions = PackagedFunctions.start(PackagedFunctions.functionZip(), environment,
                List.of("status-change"), environments, List.of());
             PackagedFunctions publisher = PackagedFunctions.start(PackagedFunctions.functionZip(), environment,
                     List.of("publisher"), 1, List.of());
             DynamoDbClient direct = EmulatedStack.dynamoClient(proxy.endpoint())) {
            LambdaFunction statusChange = functions.function("status-change");
            // Every environment answers a first event before anything is timed: cold starts are the next section.
            run(environments, "warm", (taskId, index, event) -> applied(statusChange, event));
            ReadThenWrite baseline = new ReadThenWrite(direct, stack.tableName + "-baseline");
            int moves = 0;
            int publishCalls = 0;
            for (Duration latency : List.of(Duration.ZERO, MODELLED_LATENCY)) {
                proxy.modelLatency(latency);
                System.out.println(latency.isZero() ? "raw emulator (moto's CPU decides):"
                        : "modelled: every AWS request waits " + latency.toMillis()
                        + " ms at the proxy, concurrently, as DynamoDB's in-region latency (-Dbench.latency-ms):");
                for (int concurrency : CONCURRENCY) {
                    String level = (latency.isZero() ? "r" : "m") + concurrency;
                    proxy.dynamoRequests().reset();
                    Level ours = run(concurrency, "c" + level, (taskId, index, event) -> applied(statusChange, event));
                    double oursRequests = (double) proxy.dynamoRequests().total() / ours.accepted();
                    if (moves == 0) {
                        // What the publisher sends for these moves, read off the stream while the backlog is small.
                        stack.streamTo(publisher.function("publisher")).pump();
                        moves = ours.accepted() + EVENTS_PER_LEVEL;
                        publishCalls = proxy.eventBridgeRequests().count("PutEvents");
                    }
                    proxy.dynamoRequests().reset();
                    Level theirs = run(concurrency, "b" + level, baseline::apply);
                    double theirRequests = (double) proxy.dynamoRequests().total() / theirs.accepted();
                    System.out.printf("%-11d | %8.1f  %6.1f  %6.1f  %4.2f (UpdateItem)      | %8.1f  %6.1f  %6.1f  %4.2f"
                                    + " (Get+Put)          | %.2fx moves/s, %.2fx p50%n", concurrency, ours.perSecond(),
                            ours.p50(), ours.p99(), oursRequests, theirs.perSecond(), theirs.p50(), theirs.p99(),
                            theirRequests, ours.perSecond() / theirs.perSecond(), theirs.p50() / ours.p50());
                }
            }
            proxy.modelLatency(Duration.ZERO);
            System.out.printf("EventBridge: status-change 0 PutEvents per move; publisher %.2f PutEvents per move "
                    + "(%d calls for the %d moves so far, the warm-up's included)%n", (double) publishCalls / moves,
                    publishCalls, moves);
            writeUnits(stack, statusChange);
        }
    }

    /**
     * Write units per move from the real items, as DynamoDB charges them: the table 1 WCU per started KB of the
     * larger of the old and new item; the sweep index 1 WCU per started KB of the entry written (what template.yaml
     * projects of the item), 1 for one removed.
     */
    private static void writeUnits(EmulatedStack stack, LambdaFunction statusChange) throws Exception {
        Set<String> projected = sweepIndexAttributes();
        List<byte[]> ecs = new ArrayList<>();
        for (int version = 1; version <= ECS_PHASES.size(); version++) {
            ecs.add(ecsEvent(ECS_TASK_ID, ECS_PHASES.get(version - 1), version));
        }
        List<byte[]> flapping = new ArrayList<>();
        for (int round = 0; round < FLAPS / EVENTS_PER_TASK; round++) {
            for (byte[] event : agentEvents(AGENT_TASK_ID, round * EVENTS_PER_TASK)) {
                flapping.add(event);
            }
        }
        for (var task : Map.of("an ECS task's 8-phase lifecycle (32-hex id, " + CLUSTER.length()
                        + "-character cluster)", Map.entry(ECS_TASK_ID, ecs), "an agent task (Marathon's id shape)"
                        + " flapping UNREACHABLE/RUNNING, " + FLAPS + " moves", Map.entry(AGENT_TASK_ID, flapping))
                .entrySet()) {
            String taskId = task.getValue().getKey();
            int tableUnits = 0;
            int indexUnits = 0;
            int moves = 0;
            Map<String, AttributeValue> before = Map.of();
            for (byte[] event : task.getValue().getValue()) {
                if (!applied(statusChange, event)) {
                    continue;
                }
                Map<String, AttributeValue> after = stack.rawItem(taskId);
                moves++;
                tableUnits += kilobytes(Math.max(ItemSizes.bytes(before), ItemSizes.bytes(after)));
                if (after.containsKey("sweepKind")) {
                    Map<String, AttributeValue> entry = new HashMap<>(after);
                    entry.keySet().retainAll(projected);
                    indexUnits += kilobytes(ItemSizes.bytes(entry));
                } else if (before.containsKey("sweepKind")) {
                    indexUnits += 1;
                }
                before = after;
            }
            System.out.printf("Write units, %s: %d moves, item %d bytes at the end; table %.2f WCU per move, sweep"
                    + " index %.2f WCU per move%n", task.getKey(), moves, ItemSizes.bytes(before),
                    (double) tableUnits / moves, (double) indexUnits / moves);
        }
    }

    /** The attributes an entry of template.yaml's sweep index holds: the table's key, its own, and those it projects. */
    private static Set<String> sweepIndexAttributes() throws Exception {
        Set<String> attributes = new HashSet<>(List.of("taskId"));
        for (JsonNode index : SamTemplate.load().resource("TaskTable").at("/Properties/GlobalSecondaryIndexes")) {
            if (index.path("IndexName").asText().equals("sweepDue")) {
                index.path("KeySchema").forEach(key -> attributes.add(key.path("AttributeName").asText()));
                index.at("/Projection/NonKeyAttributes").forEach(name -> attributes.add(name.asText()));
            }
        }
        return attributes;
    }

    private static int kilobytes(int bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    /** The documented ECS event for a task of a 25-character cluster, at {@code lastStatus} and {@code version}. */
    static byte[] ecsEvent(String taskId, String lastStatus, int version) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(ProjectFiles.resolve("events", "ecs-task-running.json").toFile());
        event.put("id", UUID.randomUUID().toString());
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.put("clusterArn", "arn:aws:ecs:us-west-2:111122223333:cluster/" + CLUSTER);
        detail.put("taskArn", "arn:aws:ecs:us-west-2:111122223333:task/" + CLUSTER + "/" + taskId);
        detail.put("lastStatus", lastStatus).put("version", version);
        detail.put("desiredStatus", version >= 5 ? "STOPPED" : "RUNNING");
        if (lastStatus.equals("STOPPED")) {
            detail.put("stopCode", "EssentialContainerExited").put("stoppedReason", "Essential container exited");
        }
        return JSON.writeValueAsBytes(event);
    }

    private static boolean applied(LambdaFunction statusChange, byte[] event) throws Exception {
        return JSON.readTree(statusChange.invoke(event)).path("verdict").asText().equals("APPLIED");
    }

    /**
     * The common ECS sample's way: read the record, decide, write it back whole with a condition on the version
     * read (retrying on conflict). Same phases and history as the service, two requests per move at best.
     */
    private static final class ReadThenWrite {
        private final DynamoDbClient dynamo;
        private final String table;

        /** On a table of its own, without a stream: nothing of ours reads its items. */
        ReadThenWrite(DynamoDbClient dynamo, String table) {
            this.dynamo = dynamo;
            this.table = table;
            dynamo.createTable(create -> create.tableName(table)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(definition -> definition.attributeName("taskId").attributeType("S"))
                    .keySchema(key -> key.attributeName("taskId").keyType("HASH")));
        }

        boolean apply(String taskId, int index, byte[] event) {
            String phase = index == 0 ? "PENDING" : index % 2 == 1 ? "RUNNING" : "UNREACHABLE";
            while (true) {
                Map<String, AttributeValue> current = dynamo.getItem(get -> get.tableName(table)
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
                    dynamo.putItem(put -> put.tableName(table).item(next)
                            .conditionExpression("attribute_not_exists(taskId) OR version = :v")
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(version)))));
                    return true;
                } catch (ConditionalCheckFailedException conflict) {
                    // someone else wrote in between: read again
                }
            }
        }
    }

    /**
     * Process start to the first event answered, median of {@link #COLD_STARTS}, per set of JVM options; split at the
     * moment the function asks for its first event: init (what SnapStart replaces with a restore of the snapshot
     * taken after it), then the first invocation (what a restored environment still pays).
     */
    private static void coldStart(EmulatedStack stack, URI aws) throws Exception {
        System.out.println();
        System.out.println("## Cold start of the packaged JVM function through AWS's runtime interface client"
                + " (status-change, a real ECS event), process start to first answer, median of " + COLD_STARTS);
        byte[] event = Files.readAllBytes(ProjectFiles.resolve("events", "ecs-task-running.json"));
        Map<String, String> environment = new HashMap<>(stack.functionEnvironment(aws));
        environment.put("QUARKUS_LAMBDA_HANDLER", "status-change");
        LambdaProcess.Unpacked function = LambdaProcess.unpack(PackagedFunctions.functionZip());
        List<String> c1 = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1");
        for (var initialization : List.of(Map.entry("on-demand", List.<String>of()), Map.entry("on-demand", c1),
                Map.entry("snap-start", c1))) {
            List<String> options = initialization.getValue();
            // snap-start: initialised as SnapStart initialises a published version, so the function primes itself
            // (handler/Priming); SnapStart would then restore the snapshot instead of running the init measured here.
            environment.put("AWS_LAMBDA_INITIALIZATION_TYPE", initialization.getKey());
            System.out.printf("%s init, JVM options %s: %s%n", initialization.getKey(), options.isEmpty() ? "none"
                    : String.join(" ", options) + " (template.yaml's JAVA_TOOL_OPTIONS)",
                    coldStarts(function, environment, options, List.of(), event));
        }
        // The JVM packaging's MemorySize: Lambda gives CPU in proportion to memory (1,769 MB is one vCPU), which a
        // CPU cgroup's quota plays here (memory itself is not limited: peak RSS stays ~155 MB).
        environment.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        for (int megabytes : new int[] {256, 512, 1024}) {
            Path cgroup = Path.of("/sys/fs/cgroup/cpu/tasklife-" + megabytes + "mb");
            try {
                Files.createDirectories(cgroup);
                Files.writeString(cgroup.resolve("cpu.cfs_period_us"), "100000");
                Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), Long.toString(100_000L * megabytes / 1769));
            } catch (IOException e) {
                System.out.printf("%d MB (%.2f vCPU): not measurable here, no writable CPU cgroup (%s)%n", megabytes,
                        megabytes / 1769.0, e);
                continue;
            }
            List<String> launcher = List.of("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs")
                    + " && exec \"$@\"", "sh");
            try {
                System.out.printf("on-demand init, C1, %d MB as Lambda's CPU share (%.2f vCPU, a cgroup quota): %s%n",
                        megabytes, megabytes / 1769.0, coldStarts(function, environment, c1, launcher, event));
            } finally {
                Files.deleteIfExists(cgroup); // empty once its processes ended
            }
        }
        System.out.printf("function.zip: %.1f MB%n", Files.size(PackagedFunctions.functionZip()) / 1e6);
    }

    /** {@link #COLD_STARTS} cold starts, as one line: median, runs, init and first invocation, peak RSS. */
    private static String coldStarts(LambdaProcess.Unpacked function, Map<String, String> environment,
                                     List<String> options, List<String> launcher, byte[] event) throws Exception {
        List<Long> millis = new ArrayList<>();
        List<Long> inits = new ArrayList<>();
        List<Long> firsts = new ArrayList<>();
        List<Long> peaks = new ArrayList<>();
        for (int run = 0; run < COLD_STARTS; run++) {
            try (LocalRuntimeApi api = new LocalRuntimeApi()) {
                long start = System.nanoTime();
                try (LambdaProcess process = LambdaProcess.start(function, api, environment, options, launcher)) {
                    JsonNode answer = JSON.readTree(api.invoke(event));
                    long end = System.nanoTime();
                    millis.add((end - start) / 1_000_000);
                    inits.add((api.lastTakenNanos() - start) / 1_000_000);
                    firsts.add((end - api.lastTakenNanos()) / 1_000_000);
                    peaks.add(peakRssKb(process.pid()) / 1024);
                    if (!answer.has("verdict")) {
                        throw new IllegalStateException("no verdict: " + answer);
                    }
                }
            }
        }
        List.of(millis, inits, firsts, peaks).forEach(Collections::sort);
        return String.format("median %d ms (runs %s): init %d ms, first invocation %d ms (medians); peak RSS median"
                        + " %d MB", millis.get(COLD_STARTS / 2), millis, inits.get(COLD_STARTS / 2),
                firsts.get(COLD_STARTS / 2), peaks.get(COLD_STARTS / 2));
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

    /** One sweep among {@code tasks}, of which {@code unreachable} are UNREACHABLE, 80% of them already due. */
    private static void sweepCost(EmulatedStack stack, FaultProxy proxy, int tasks, int unreachable)
            throws Exception {
        System.out.println();
        System.out.println("## Sweep cost: " + tasks + " tasks, " + unreachable + " unreachable (80% past expiry),"
                + " one invocation of the packaged sweeper function");
        stack.recreateTable();
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
        try (PackagedFunctions functions = PackagedFunctions.start(PackagedFunctions.functionZip(),
                stack.functionEnvironment(proxy.endpoint()), List.of("status-change", "sweeper"), 1, List.of())) {
            LambdaFunction statusChange = functions.function("status-change");
            int due = unreachable * 8 / 10;
            for (int i = 0; i < unreachable; i++) {
                // A task's own unreachable strategy decides when it is expunged: now, or after the default.
                String strategy = i < due ? ",\"unreachableStrategy\":{\"expungeAfterSeconds\":0}" : "";
                statusChange.invoke(envelope("Task Launch Requested", "dev.tasklife.control",
                        "{\"taskId\":\"lost-" + i + "\"" + strategy + "}"));
                statusChange.invoke(envelope("Task Status Update", "dev.tasklife.agent", "{\"taskId\":\"lost-" + i
                        + "\",\"state\":\"TASK_RUNNING\",\"timestamp\":1795600801,\"uuid\":\"r" + i + "\"}"));
                statusChange.invoke(envelope("Task Status Update", "dev.tasklife.agent", "{\"taskId\":\"lost-" + i
                        + "\",\"state\":\"TASK_UNREACHABLE\",\"timestamp\":1795600802,\"uuid\":\"u" + i + "\"}"));
            }
            proxy.dynamoRequests().reset();
            long start = System.nanoTime();
            JsonNode report = JSON.readTree(functions.function("sweeper").invoke("{}".getBytes(StandardCharsets.UTF_8)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            Set<String> projected = sweepIndexAttributes();
            int indexBytes = 0;
            for (int i = 0; i < unreachable; i++) {
                Map<String, AttributeValue> entry = new HashMap<>(stack.rawItem("lost-" + i));
                entry.keySet().retainAll(projected);
                indexBytes += ItemSizes.bytes(entry);
            }
            System.out.printf("read %d of %d tasks; requests %s; %d ms; expunged %d, not due %d%n",
                    report.path("read").asInt(), tasks, proxy.dynamoRequests().all(), millis,
                    report.path("expunged").asInt(), report.path("notDue").asInt());
            System.out.printf("read units: moto reports %.1f; on DynamoDB the Queries read ~%d KB of index entries"
                    + " (~%d RCU, eventually consistent) and the records of the %d due (one BatchGetItem a page,"
                    + " 0.5 RCU each: %.1f RCU), for %d unreachable among %d tasks%n",
                    report.path("readUnits").asDouble(), indexBytes / 1024, (int) Math.ceil(indexBytes / 4096.0 / 2),
                    report.path("expunged").asInt(), report.path("expunged").asInt() * 0.5, unreachable, tasks);
        }
    }

    private static byte[] envelope(String detailType, String source, String detail) {
        ObjectNode envelope = Envelopes.envelope(detailType, source, Instant.parse("2026-11-25T10:00:00Z"));
        try {
            envelope.set("detail", JSON.readTree(detail));
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + detail, e);
        }
        return envelope.toString().getBytes(StandardCharsets.UTF_8);
    }
}
