package dev.tasklife.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.tasklife.emulator.ProjectFiles;

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
                "ECS stops it; its STOPPED event is lost on the way",
                "-> ReconcilerFunction     read=",
                "moved=1 unchanged=0",
                "batch.3e5a7c9e-5b0e-11ef-9f3a-0242ac110005 attempt 1: stopping",
                "batch.3e5a7c9e-5b0e-11ef-9f3a-0242ac110005 attempt 2: kill retried",
                "launchesOverdue=1",
                "prod_web.4f6b8d0f-5b0e-11ef-9f3a-0242ac110006 attempt 1: stopping: wanted STOPPED (launch overdue",
                "scheduler: starts prod_web.",
                "\"tombstone\"",
                "functions invocable at http://127.0.0.1:"}) {
            assertTrue(output.contains(expected), "missing '" + expected + "' in:\n" + output);
        }
        // Each event is printed once with its one verdict: the sample stream's entries, the step workers' answers, the
        // scheduler's starts of replacements and the RUNNING event of the task whose stop is lost, each routed to
        // exactly one function (the functions' own logs go to their processes' files).
        long fed = Files.readAllLines(ProjectFiles.resolve("events", "local-stream.txt")).stream().map(String::strip)
                .filter(line -> line.endsWith(".json")).count();
        assertEquals(fed, count(output, "\\] in  .*\\.json"), output);
        long lostStops = Files.readAllLines(ProjectFiles.resolve("events", "local-stream.txt")).stream()
                .map(String::strip).filter(line -> line.equals("@lost-stop")).count();
        assertEquals(fed + count(output, "step worker: ") + count(output, "scheduler: starts ") + lostStops,
                count(output, "-> (StatusChangeFunction|StepCompletionFunction) +[A-Z]+ "),
                "one verdict per event:\n" + output);
    }

    private static long count(String output, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return output.lines().filter(line -> pattern.matcher(line).find()).count();
    }
}
