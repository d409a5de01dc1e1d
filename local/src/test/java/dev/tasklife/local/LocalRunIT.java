package dev.tasklife.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The README's first command keeps telling the story it promises, with the packaged functions. */
class LocalRunIT {

    @Test
    void theLocalRunShowsTheLifecycleTheSweepAndTheDescriptions() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LocalRun.run(0, true, new PrintStream(captured, true, StandardCharsets.UTF_8));
        String output = captured.toString(StandardCharsets.UTF_8);

        for (String expected : new String[] {
                "-> StepCompletionFunction APPLIED   PROVISIONING -> PENDING",
                "-> StepCompletionFunction APPLIED   DEPROVISIONING -> STOPPED",
                "published Task Replacement Requested",
                "-> StatusChangeFunction   STALE     requested PENDING, phase STOPPED",
                "-> StatusChangeFunction   DUPLICATE",
                "notDue=1 expunged=0",
                "read=1 notDue=0 expunged=1",
                "published Task Expunged",
                "-> StatusChangeFunction   REJECTED  requested RUNNING, phase STOPPED",
                "published Task Kill Requested",
                "\"tombstone\"",
                "functions invocable at http://127.0.0.1:"}) {
            assertTrue(output.contains(expected), "missing '" + expected + "' in:\n" + output);
        }
        assertTrue(output.lines().noneMatch(line -> line.contains("INFO") || line.contains("WARN")),
                "each event printed once, by the local run, not also by the functions' logs:\n" + output);
    }
}
