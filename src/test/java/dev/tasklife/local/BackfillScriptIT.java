package dev.tasklife.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.LambdaFunction;
import dev.tasklife.emulator.MotoServer;
import dev.tasklife.emulator.PackagedFunctions;
import dev.tasklife.emulator.ProjectFiles;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operator's backfill procedure as docs/operations.md gives it: {@code infra/backfill.sh} with the AWS CLI,
 * against the packaged backfill function behind the Lambda Invoke API, on items written before the reconcile and
 * list indexes existed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackfillScriptIT {

    private static final int TASKS = 120;
    /** An answer that added a key to either index. */
    private static final Pattern ADDED = Pattern.compile("\"(reconcileAdded|listAdded)\": [1-9]");

    private MotoServer moto;
    private EmulatedStack stack;
    private PackagedFunctions functions;
    private LocalInvokeEndpoint endpoint;

    @BeforeAll
    void startTheBackfillFunction() throws Exception {
        moto = MotoServer.start();
        stack = EmulatedStack.create(moto.endpoint());
        Map<String, String> environment = new HashMap<>(stack.functionEnvironment(moto.endpoint()));
        // Pages of 5 items, and 300 ms of the 30 s the local runtime allows each invocation: a segment takes
        // several pages and several invocations, each going on after the last task the one before finished.
        environment.put("BACKFILL_PAGE_SIZE", "5");
        environment.put("BACKFILL_SAFETY_MARGIN_MILLIS", "29700");
        functions = PackagedFunctions.start(PackagedFunctions.functionZip(), environment, List.of("backfill"), 1,
                List.of());
        // Beside it, a function that fails every invocation as Lambda reports a timeout (X-Amz-Function-Error).
        endpoint = new LocalInvokeEndpoint(0, Map.of("backfill", functions.function("backfill"),
                "timing-out", payload -> {
                    throw new LambdaFunction.InvocationFailedException(
                            "{\"errorMessage\":\"Task timed out after 840.00 seconds\"}");
                },
                // And one that reads a page each time but never has the time to finish a task.
                "stalling", payload -> ("{\"segment\":0,\"segments\":1,\"scanned\":5,\"reconcileAdded\":0,"
                        + "\"listAdded\":0,\"alreadyDone\":0,\"failed\":0,\"failedTaskIds\":[],\"readUnits\":1.0,"
                        + "\"done\":false,\"after\":null}").getBytes(StandardCharsets.UTF_8)));
    }

    @AfterAll
    void stopIt() {
        for (AutoCloseable closeable : new AutoCloseable[] {endpoint, functions, stack, moto}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // stopping what is left: nothing to tell the test
            }
        }
    }

    /** Runs the script with these arguments, then the AWS CLI's; its exit code and what it wrote to stderr. */
    private Map.Entry<Integer, String> backfill(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash",
                ProjectFiles.resolve("infra", "backfill.sh").toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("--", "--endpoint-url", "http://127.0.0.1:" + endpoint.port()));
        Path output = Files.createTempFile("backfill", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "AWS_DEFAULT_REGION", "us-east-1"));
        Process process = builder.start();
        try {
            boolean exited = process.waitFor(5, TimeUnit.MINUTES);
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(exited, "the script still runs after 5 minutes:\n" + printed);
            return Map.entry(process.exitValue(), printed);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    @Test
    void theScriptBackfillsEverySegmentUntilDoneAndOnceIsEnough() throws Exception {
        for (int i = 0; i < TASKS; i++) {
            Map<String, AttributeValue> item = new HashMap<>(Map.of(
                    "taskId", AttributeValue.fromS("old" + i),
                    "lastStatus", AttributeValue.fromS(i % 4 == 0 ? "STOPPED" : "RUNNING"),
                    "version", AttributeValue.fromN("3"),
                    "ecsVersion", AttributeValue.fromN("4"),
                    "cluster", AttributeValue.fromS("arn:aws:ecs:us-east-1:123456789012:cluster/old"),
                    "updatedAt", AttributeValue.fromN("1764151200000")));
            stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(item));
        }

        Map.Entry<Integer, String> run = backfill("backfill", "3");

        assertEquals(0, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains("all 3 segment(s) done"), run.getValue());
        assertTrue(run.getValue().contains("\"done\": false"), "a segment took several invocations:\n"
                + run.getValue());
        assertTrue(ADDED.matcher(run.getValue()).find(), run.getValue());
        List<Map<String, AttributeValue>> items = stack.dynamo.scan(scan -> scan.tableName(stack.tableName)).items();
        assertEquals(TASKS, items.stream().filter(item -> item.containsKey("clusterShard")).count(), "all listed");
        assertEquals(TASKS - TASKS / 4, items.stream().filter(item -> item.containsKey("reconcileKey")).count(),
                "the live ones reconciled, not the stopped ones");

        Map.Entry<Integer, String> again = backfill("backfill"); // SEGMENTS left out: one
        assertEquals(0, again.getKey(), again.getValue());
        assertTrue(again.getValue().contains("all 1 segment(s) done"), again.getValue());
        assertFalse(ADDED.matcher(again.getValue()).find(), "nothing added twice:\n" + again.getValue());
    }

    @Test
    void aTaskNotBackfilledFailsTheScriptAndIsNamed() throws Exception {
        stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(Map.of( // a phase this code does not know
                "taskId", AttributeValue.fromS("odd"), "lastStatus", AttributeValue.fromS("LAUNCHING"),
                "ecsVersion", AttributeValue.fromN("1"))));
        try {
            Map.Entry<Integer, String> run = backfill("backfill", "2");
            assertNotEquals(0, run.getKey(), run.getValue());
            assertTrue(run.getValue().contains("task(s) not backfilled, among them: odd"), run.getValue());
            assertTrue(run.getValue().contains("1 task(s) not backfilled (named above"), run.getValue());
        } finally {
            stack.dynamo.deleteItem(delete -> delete.tableName(stack.tableName)
                    .key(Map.of("taskId", AttributeValue.fromS("odd"))));
        }
    }

    @Test
    void aSegmentCountThatIsNoNumberIsRefusedBeforeAnyInvocation() throws Exception {
        for (String segments : new String[] {"0", "x", "1001"}) {
            Map.Entry<Integer, String> run = backfill("backfill", segments);
            assertEquals(2, run.getKey(), run.getValue());
            assertTrue(run.getValue().startsWith("usage: infra/backfill.sh"), run.getValue());
        }
    }

    @Test
    void aFailingInvocationFailsTheScript() throws Exception {
        assertTheScriptFailsSaying("segment 0: the invocation failed", "no-such-function", "1");
    }

    @Test
    void aSegmentThatFinishesNoTaskInvocationAfterInvocationFailsTheScriptRatherThanLoopingForEver() throws Exception {
        assertTheScriptFailsSaying("segment 0: 3 invocations in a row finished no task", "stalling");
    }

    @Test
    void aFunctionErrorFailsTheScriptRatherThanStartingTheSegmentOver() throws Exception {
        assertTheScriptFailsSaying("segment 0: the function failed: {\"errorMessage\": \"Task timed out",
                "timing-out", "1");
    }

    private void assertTheScriptFailsSaying(String saying, String... arguments) throws Exception {
        Map.Entry<Integer, String> run = backfill(arguments);
        assertNotEquals(0, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains(saying), run.getValue());
    }
}
