package dev.tasklife.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Envelopes;
import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.LambdaFunction;
import dev.tasklife.emulator.LocalRuntimeApi;
import dev.tasklife.emulator.MotoServer;
import dev.tasklife.emulator.PackagedFunctions;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.emulator.StreamPump;
import dev.tasklife.input.JsonFields;

/**
 * The packaged artifact as Lambda runs it: {@code target/function.zip} unpacked into a task root, each function
 * in its own process of AWS's runtime interface client (the java21 runtime's), with the handler and the environment
 * template.yaml gives it, polling a local Runtime API, against moto. Nothing of the test's classpath is in those
 * processes: this is the wiring, configuration and packaging that get deployed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackagedFunctionIT {

    /**
     * What Lambda downloads and the JVM opens on every cold start: 14.6 MB when issue 10 bounded it at 15 MB, then
     * the reconciler's ECS client (issue 11: the SDK's ECS module, 4.3 MB of model classes for every ECS operation).
     */
    private static final long MAX_FUNCTION_ZIP_BYTES = 19_000_000;

    private MotoServer moto;
    private EmulatedStack stack;
    private PackagedFunctions functions;

    @BeforeAll
    void startTheFunctions() throws Exception {
        moto = MotoServer.start();
        stack = EmulatedStack.create(moto.endpoint());
        // Initialised as SnapStart initialises a published version of the JVM deployment (template.yaml).
        Map<String, String> environment = new HashMap<>(stack.functionEnvironment(moto.endpoint()));
        environment.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
        // The waits of issue 18 in seconds, so that the sweeper finds them due within the test.
        environment.put("KILL_RETRY_SECONDS", "1");
        environment.put("LAUNCH_TIMEOUT_SECONDS", "2");
        functions = PackagedFunctions.start(PackagedFunctions.functionZip(), environment,
                List.of("status-change", "step-completion", "describe", "publisher", "sweeper", "reconciler",
                        "backfill"), 1,
                List.of());
    }

    @AfterAll
    void stopThem() {
        if (functions != null) {
            functions.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private JsonNode invoke(String function, byte[] payload) throws IOException {
        return JsonFields.mapper().readTree(functions.function(function).invoke(payload));
    }

    private JsonNode invoke(String function, String payload) throws IOException {
        return invoke(function, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sample(String name) throws IOException {
        return Files.readAllBytes(ProjectFiles.resolve("events", name));
    }

    @Test
    void aRealEcsEventIsAppliedOnceDescribedAndPublishedFromTheStream() throws Exception {
        JsonNode first = invoke("status-change", sample("ecs-task-running.json"));
        assertEquals("APPLIED", first.path("verdict").asText(), first.toString());
        JsonNode again = invoke("status-change", sample("ecs-task-running.json"));
        assertEquals("DUPLICATE", again.path("verdict").asText(), again.toString());

        JsonNode described = invoke("describe", sample("describe.json"));
        assertEquals("RUNNING", described.at("/task/lastStatus").asText(), described.toString());

        StreamPump stream = stack.streamTo(functions.function("publisher"));
        stream.pump();
        List<JsonNode> published = stack.receiveNotifications(2);
        assertEquals(List.of("Task State Changed"), published.stream()
                .map(event -> event.path("detail-type").asText()).toList(), published.toString());
        assertEquals("c13b4cb40f1f4fe4a2971f76ae5a47ad", published.get(0).at("/detail/taskId").asText());
    }

    @Test
    void eachFunctionTakesOnlyWhatItIsForAndLogsOneJsonLinePerEventWithLambdasRequestId() throws Exception {
        assertEquals("INVALID", invoke("status-change", "not json").path("verdict").asText());
        assertEquals("INVALID", invoke("step-completion", sample("ecs-task-running.json")).path("verdict").asText(),
                "the step-completion function takes only step completions");
        JsonNode sweep = invoke("sweeper", "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\"}");
        assertEquals(0, sweep.path("failed").asInt(), sweep.toString());
        assertTrue(sweep.path("queries").asInt() >= 1, sweep.toString());
        JsonNode reconcile = invoke("reconciler", "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\"}");
        assertEquals(0, reconcile.path("failed").asInt(), reconcile.toString());
        assertTrue(reconcile.path("queries").asInt() >= 1, reconcile.toString());
        JsonNode backfill = invoke("backfill", "{\"segment\":0,\"segments\":1}");
        assertTrue(backfill.path("done").asBoolean(), backfill.toString());
        assertEquals(0, backfill.path("failed").asInt(), backfill.toString());
        assertEquals("INVALID", invoke("backfill", "{\"segment\":\"all\"}").path("verdict").asText());

        String logs = functions.output("status-change");
        String invalid = logs.lines().filter(line -> line.contains("verdict=INVALID")).findFirst().orElseThrow(
                () -> new AssertionError("no INVALID line in:\n" + logs));
        JsonNode line = JsonFields.mapper().readTree(invalid);
        assertEquals("status-change", line.at("/mdc/function").asText(), invalid);
        assertTrue(line.at("/mdc/requestId").asText().length() >= 32, "the Runtime API's request id: " + invalid);
        assertEquals(LocalRuntimeApi.traceRoot(line.at("/mdc/requestId").asText()), line.at("/mdc/traceId").asText(),
                "the invocation's X-Ray trace id, from the runtime's header: " + invalid);
    }

    @Test
    void anEnvironmentsFirstInvocationIsLoggedAndCountedAsItsColdStartAndNoOtherIs() throws Exception {
        invoke("describe", "{\"taskId\":\"cold-1\"}");
        invoke("describe", "{\"taskId\":\"cold-2\"}");
        List<JsonNode> lines = new ArrayList<>();
        for (String text : functions.output("describe").lines().filter(text -> text.startsWith("{")).toList()) {
            lines.add(JsonFields.mapper().readTree(text));
        }
        List<String> invocations = lines.stream().map(line -> line.at("/mdc/requestId").asText())
                .filter(id -> !id.isEmpty()).distinct().toList();
        assertTrue(invocations.size() >= 2, invocations.toString());
        for (JsonNode line : lines) {
            if (line.has("mdc") && !line.at("/mdc/requestId").asText().isEmpty()) {
                assertEquals(line.at("/mdc/requestId").asText().equals(invocations.get(0)),
                        line.at("/mdc/coldStart").asBoolean(), line.toString());
            }
        }
        List<JsonNode> metrics = lines.stream().filter(line -> line.has("_aws")).toList();
        List<JsonNode> coldStarts = metrics.stream().filter(line -> line.has("ColdStart")).toList();
        assertEquals(1, coldStarts.size(), "one ColdStart metric: " + metrics);
        assertEquals(LocalRuntimeApi.traceRoot(invocations.get(0)), coldStarts.get(0).get("traceId").asText());
    }

    @Test
    void eachFunctionInitialisedForSnapStartPrimesItselfWithoutTouchingTheTableOrTheBus() {
        for (String function : List.of("status-change", "step-completion", "publisher", "sweeper", "describe",
                "reconciler", "backfill")) {
            String logs = functions.output(function);
            assertTrue(logs.lines().anyMatch(line -> line.contains("primed in ")), function + " logged:\n" + logs);
            assertFalse(logs.contains("priming failed"), logs);
        }
        assertEquals(List.of(), stack.dynamo.scan(scan -> scan.tableName(stack.tableName)).items().stream()
                .filter(item -> item.toString().contains("priming")).toList(),
                "the sample event primes; it is never applied");
    }

    /** An envelope as a sender of the sample events puts it on the bus, now. */
    private static ObjectNode envelope(String detailType, String source) {
        return Envelopes.envelope(detailType, source, Instant.now());
    }

    @Test
    void anOverdueLaunchIsReplacedByAnIdItsOwnReportsReachAndAnUnconfirmedKillIsRequestedAgain() throws Exception {
        ObjectNode launch = envelope("Task Launch Requested", "dev.tasklife.control");
        launch.putObject("detail").put("taskId", "prod_web.overdue").put("cluster", "marathon-east")
                .put("service", "/prod/web");
        assertEquals("APPLIED", invoke("status-change", launch.toString()).path("verdict").asText());
        // Its agent stages it and is heard no more: the kill waits for a report (one never reported is not waited for).
        ObjectNode staging = envelope("Task Status Update", "dev.tasklife.agent");
        staging.putObject("detail").put("taskId", "prod_web.overdue").put("state", "TASK_STAGING")
                .put("timestamp", Instant.now().getEpochSecond()).put("uuid", UUID.randomUUID().toString());
        assertEquals("UPDATED", invoke("status-change", staging.toString()).path("verdict").asText(), "still PENDING");
        Thread.sleep(2_100);

        JsonNode overdue = invoke("sweeper", "{}");
        assertEquals(1, overdue.path("launchesOverdue").asInt(), overdue.toString());
        JsonNode described = invoke("describe", "{\"taskId\": \"prod_web.overdue\"}");
        assertEquals("STOPPING", described.at("/task/lastStatus").asText(), described.toString());
        String replacement = described.at("/lineage/replacedBy").asText();
        assertTrue(replacement.startsWith("prod_web."), replacement);

        ObjectNode running = envelope("Task Status Update", "dev.tasklife.agent");
        running.putObject("detail").put("taskId", replacement).put("state", "TASK_RUNNING")
                .put("timestamp", Instant.now().getEpochSecond()).put("uuid", UUID.randomUUID().toString());
        assertEquals("APPLIED", invoke("status-change", running.toString()).path("verdict").asText(),
                "the replacement's own reports are taken");
        Thread.sleep(1_100);
        JsonNode retried = invoke("sweeper", "{}");
        assertEquals(1, retried.path("killsRetried").asInt(), retried.toString());
        assertTrue(functions.output("sweeper").contains("\"KillAttemptsMax\":2.0"), "the kill-retry alarm's metric");

        stack.streamTo(functions.function("publisher")).pump();
        List<JsonNode> published = stack.receiveNotifications(2);
        assertEquals(List.of(1, 2), published.stream()
                .filter(event -> event.path("detail-type").asText().equals("Task Kill Requested"))
                .filter(event -> event.at("/detail/taskId").asText().equals("prod_web.overdue"))
                .map(event -> event.at("/detail/attempt").asInt()).sorted().toList(), published.toString());
        assertTrue(published.stream().anyMatch(event -> event.path("detail-type").asText()
                .equals("Task Replacement Requested") && event.at("/detail/taskId").asText().equals(replacement)));
    }

    @Test
    void theArtifactCarriesOneHttpClientNoLambdaEventClassesAndNoReactiveLibrary() throws Exception {
        try (ZipFile zip = new ZipFile(PackagedFunctions.functionZip().toFile())) {
            List<String> unused = zip.stream().map(ZipEntry::getName)
                    .filter(name -> name.matches("lib/.*(netty|httpclient5|httpcore5|apache5-client"
                            + "|aws-lambda-java-events|mutiny|jctools).*\\.jar")).toList();
            assertEquals(List.of(), unused, "the URL-connection client is the only HTTP client the functions use,"
                    + " and nothing returns a reactive type");
        }
        long bytes = Files.size(PackagedFunctions.functionZip());
        assertTrue(bytes < MAX_FUNCTION_ZIP_BYTES, "function.zip is " + bytes + " bytes");
    }

    @Test
    void nothingOfTheTestScopeReachesTheArtifact() throws Exception {
        try (ZipFile zip = new ZipFile(PackagedFunctions.functionZip().toFile())) {
            List<String> names = zip.stream().map(ZipEntry::getName).toList();
            List<String> testScoped = names.stream()
                    .filter(name -> name.matches("lib/.*(event-ruler|runtime-interface-client|jackson-dataformat-yaml"
                            + "|junit|mockito|jqwik|testcontainers|sqs-).*\\.jar")
                            || name.contains("dev/tasklife/emulator/") || name.contains("dev/tasklife/local/")
                            || name.contains("dev/tasklife/bench/"))
                    .toList();
            assertEquals(List.of(), testScoped, "the emulator, the local run and the benchmark are test-scoped");
            assertTrue(names.contains("dev/tasklife/domain/TransitionTable.class"), "the product is packaged");
        }
    }

    @Test
    void aFunctionThatCannotReachAwsFailsTheInvocationSoThatLambdaRetriesIt() throws Exception {
        try (PackagedFunctions unreachable = PackagedFunctions.start(PackagedFunctions.functionZip(),
                stack.functionEnvironment(URI.create("http://127.0.0.1:9")), List.of("status-change"), 1,
                List.of("-Dtasklife.aws.call-timeout=2S", "-Dquarkus.dynamodb.api-call-timeout=2S"))) {
            assertThrows(LambdaFunction.InvocationFailedException.class,
                    () -> unreachable.function("status-change").invoke(sample("ecs-task-running.json")));
            assertFalse(unreachable.output("status-change").contains("primed in"),
                    "an on-demand init primes nothing: its first event would wait for all of it");
        }
    }
}
