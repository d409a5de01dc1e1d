package dev.tasklife.it;

import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.launch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.BadInputs;
import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Transition;
import dev.tasklife.domain.TransitionTable;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.Invocations;
import dev.tasklife.emulated.SeededScenarioSuite;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.service.StatusChangeResult;

/**
 * The status-change function against real emulated AWS services (issue: allowed moves, ordering, concurrency,
 * events out). Each emulator (moto, LocalStack) runs the same scenarios through a nested subclass.
 */
abstract class LifecycleScenarios extends SeededScenarioSuite {

    private List<TaskEvent> ecsLifecycle(String taskId) {
        List<TaskEvent> events = new ArrayList<>();
        for (int i = 0; i < Phase.LIFECYCLE_ORDER.size(); i++) {
            events.add(ecs(taskId, Phase.LIFECYCLE_ORDER.get(i), i + 1));
        }
        return events;
    }

    private static void assertLegalPath(TaskRecord record) {
        List<Transition> moves = record.transitions();
        // The creation has no origin; after a trim the first kept move starts from the last one dropped.
        for (Transition move : moves.stream().filter(move -> move.from() != null).toList()) {
            assertTrue(TransitionTable.isAllowed(move.from(), move.to()), "illegal move in history: " + move);
        }
        assertEquals(record.lastStatus(), moves.get(moves.size() - 1).to());
    }

    @Test
    void anEcsTaskGoesThroughItsLifecycleInOrderAndEveryMoveIsPublished() throws Exception {
        stack.drainNotifications();
        String taskId = "ecs0000000000000000000000000001";
        for (TaskEvent event : ecsLifecycle(taskId)) {
            assertEquals(Verdict.APPLIED, stack.apply(event).verdict());
        }

        TaskRecord record = stack.tasks.find(taskId).orElseThrow();
        assertEquals(Phase.STOPPED, record.lastStatus());
        assertEquals(Outcome.FINISHED, record.outcome());
        assertEquals(8, record.version());
        assertEquals(Phase.LIFECYCLE_ORDER, record.history().stream().map(entry -> entry.to()).toList());
        assertLegalPath(record);

        JsonNode description = stack.describe(taskId);
        assertEquals("STOPPED", description.at("/task/lastStatus").asText());
        assertEquals("DEPROVISIONING", description.at("/history/7/from").asText());
        assertEquals(Fixtures.taskArn(taskId), description.at("/task/taskArn").asText());

        List<JsonNode> published = stack.drainNotifications().stream()
                .filter(event -> event.at("/detail/taskId").asText().equals(taskId)).toList();
        assertEquals(8, published.size(), "one Task State Changed per move");
        assertEquals(8, published.stream().map(event -> event.at("/detail/eventId").asText())
                .collect(Collectors.toSet()).size());
        assertTrue(published.stream().allMatch(event -> event.get("detail-type").asText()
                .equals("Task State Changed") && event.get("source").asText().equals("dev.tasklife")));
        assertEquals(Set.copyOf(Phase.LIFECYCLE_ORDER.stream().map(Phase::name).toList()), published.stream()
                .map(event -> event.at("/detail/to").asText()).collect(Collectors.toSet()));
    }

    @Test
    void theSameEventsShuffledAndDuplicatedEndInTheSameRecord() {
        TaskRecord inOrder = null;
        for (int seed = 0; seed < 6; seed++) {
            String taskId = "shuffled" + seed;
            List<TaskEvent> events = new ArrayList<>(ecsLifecycle(taskId));
            events.addAll(ecsLifecycle(taskId).subList(2, 6)); // redeliveries
            if (seed > 0) {
                Collections.shuffle(events, new Random(seed));
            }
            for (TaskEvent event : events) {
                Verdict verdict = stack.apply(event).verdict();
                assertTrue(Set.of(Verdict.APPLIED, Verdict.DUPLICATE, Verdict.STALE).contains(verdict),
                        event + " -> " + verdict);
            }
            TaskRecord record = stack.tasks.find(taskId).orElseThrow();
            assertLegalPath(record);
            if (inOrder == null) {
                inOrder = record;
            } else {
                assertEquals(inOrder.lastStatus(), record.lastStatus());
                assertEquals(inOrder.desiredStatus(), record.desiredStatus());
                assertEquals(inOrder.outcome(), record.outcome());
                assertEquals(inOrder.outcomeReason(), record.outcomeReason());
                assertEquals(inOrder.ecsVersion(), record.ecsVersion());
                assertEquals(inOrder.cluster(), record.cluster());
            }
        }
    }

    @Test
    void twentyConcurrentWritersLeaveOneWinnerPerStepAndAConsistentHistory() throws Exception {
        String taskId = "contended";
        stack.apply(launch(taskId, false, false));
        // Step 1: all twenty report the task running; one move, nineteen no-ops.
        List<StatusChangeResult> running = race(i -> agent(taskId, AgentState.RUNNING, 10, "run-" + i));
        assertEquals(1, count(running, Verdict.APPLIED));
        assertEquals(19, count(running, Verdict.UNCHANGED));
        // Step 2: conflicting reports race (killing vs unreachable, each later than the last running report).
        List<StatusChangeResult> conflicting = race(i -> agent(taskId,
                i % 2 == 0 ? AgentState.KILLING : AgentState.UNREACHABLE, 20 + i, "mixed-" + i));
        // Step 3: terminal reports race; STOPPED is final, so exactly one of them lands.
        List<StatusChangeResult> terminal = race(i -> agent(taskId,
                i % 3 == 0 ? AgentState.FAILED : i % 3 == 1 ? AgentState.KILLED : AgentState.FINISHED, 100 + i,
                "end-" + i));
        assertEquals(1, count(terminal, Verdict.APPLIED));

        TaskRecord record = stack.tasks.find(taskId).orElseThrow();
        assertEquals(Phase.STOPPED, record.lastStatus());
        assertLegalPath(record);
        List<StatusChangeResult> allApplied = new ArrayList<>();
        for (List<StatusChangeResult> round : List.of(running, conflicting, terminal)) {
            round.stream().filter(result -> result.verdict() == Verdict.APPLIED).forEach(allApplied::add);
        }
        // Every applied write is exactly one move after the creation, and no two writers won the same version.
        assertEquals(record.moves() - 1, allApplied.size());
        assertEquals(allApplied.size(), allApplied.stream().map(StatusChangeResult::version)
                .collect(Collectors.toSet()).size());
        // The history keeps the newest moves only (the UPDATED reports fill the kept keys and trim it): those are
        // the moves of the winners with the highest versions, in the order of their versions.
        List<Phase> enteredByWinners = allApplied.stream()
                .sorted(Comparator.comparingLong(StatusChangeResult::version))
                .map(result -> result.move().to()).toList();
        List<Phase> enteredInHistory = record.history().stream().skip(record.earlierMoves() == 0 ? 1 : 0)
                .map(HistoryEntry::to).toList();
        assertEquals(enteredByWinners.subList(enteredByWinners.size() - enteredInHistory.size(),
                enteredByWinners.size()), enteredInHistory);
    }

    private static long count(List<StatusChangeResult> results, Verdict verdict) {
        return results.stream().filter(result -> result.verdict() == verdict).count();
    }

    private List<StatusChangeResult> race(IntFunction<TaskEvent> eventOfWriter) throws Exception {
        int writers = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<StatusChangeResult>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                TaskEvent event = eventOfWriter.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return stack.apply(event);
                }));
            }
            start.countDown();
            List<StatusChangeResult> results = new ArrayList<>();
            for (Future<StatusChangeResult> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIllegalMoveIsRejectedWritesNothingAndIsPublished() throws Exception {
        String taskId = "finished-then-running";
        stack.apply(agent(taskId, AgentState.RUNNING, 1, "a1"));
        stack.apply(agent(taskId, AgentState.FINISHED, 2, "a2"));
        stack.drainNotifications();
        Map<String, ?> before = stack.rawItem(taskId);

        StatusChangeResult result = stack.apply(agent(taskId, AgentState.RUNNING, 3, "a3"));

        assertEquals(Verdict.REJECTED, result.verdict());
        assertEquals(before, stack.rawItem(taskId), "a rejected event leaves the item untouched");
        List<JsonNode> published = stack.drainNotifications();
        assertEquals(List.of("Task Transition Rejected", "Task Kill Requested"), published.stream()
                .map(event -> event.get("detail-type").asText()).sorted(Comparator.reverseOrder()).toList(),
                "a finished task that reports running again runs unaccounted for: it is to be killed");
        JsonNode rejection = published.stream()
                .filter(event -> event.get("detail-type").asText().equals("Task Transition Rejected")).findFirst()
                .orElseThrow();
        assertEquals("STOPPED", rejection.at("/detail/phase").asText());
        assertEquals("RUNNING", rejection.at("/detail/requested").asText(), "what the report asked for");
    }

    @Test
    void anAgentTaskLostByItsAgentIsUnreachableAndRunsAgainWhenItComesBack() {
        String taskId = "flaky-agent";
        stack.apply(launch(taskId, false, false));
        stack.apply(agent(taskId, AgentState.STARTING, 1, "b1"));
        stack.apply(agent(taskId, AgentState.RUNNING, 2, "b2"));
        assertEquals(Verdict.APPLIED, stack.apply(new TaskEvent.AgentStatusUpdate("lost", 
                Fixtures.T0, taskId, AgentState.fromMesos("TASK_LOST", "REASON_SLAVE_DISCONNECTED"),
                "REASON_SLAVE_DISCONNECTED", null, "agent-1", (Fixtures.T0.getEpochSecond() + 3)
                * 1_000_000L, "b3")).verdict());
        assertEquals(Phase.UNREACHABLE, stack.tasks.find(taskId).orElseThrow().lastStatus());
        assertEquals(Verdict.APPLIED, stack.apply(agent(taskId, AgentState.RUNNING, 4, "b4")).verdict());

        TaskRecord record = stack.tasks.find(taskId).orElseThrow();
        assertEquals(List.of(Phase.PENDING, Phase.RUNNING, Phase.UNREACHABLE, Phase.RUNNING),
                record.history().stream().map(entry -> entry.to()).toList());
        assertEquals("webapp", record.service());
        assertNull(record.outcome());
    }

    @Test
    void anOlderUnreachableReportAfterANewerRunningOneIsStale() {
        String taskId = "flapping";
        stack.apply(agent(taskId, AgentState.RUNNING, 2, "c2"));
        // The agent was lost at t3 and back at t4; the t4 report overtakes the t3 one.
        assertEquals(Verdict.UPDATED, stack.apply(agent(taskId, AgentState.RUNNING, 4, "c4")).verdict());
        assertEquals(Verdict.STALE, stack.apply(agent(taskId, AgentState.UNREACHABLE, 3, "c3")).verdict());
        assertEquals(Phase.RUNNING, stack.tasks.find(taskId).orElseThrow().lastStatus());
    }

    static List<Arguments> badInputs() {
        return BadInputs.all();
    }

    private JsonNode invokeStatusChange(byte[] input) {
        return Invocations.invoke(LifecycleStack.function("status-change"), input);
    }

    @Test
    void theBadInputCorpusHasAtLeastOneHundredFiftyCasesAndPublishesNothing() throws Exception {
        List<Arguments> corpus = badInputs();
        assertTrue(corpus.size() >= 150, "corpus of " + corpus.size());
        System.out.println("bad-input corpus: " + corpus.size() + " inputs");
        stack.drainNotifications();
        for (Arguments bad : corpus) {
            invokeStatusChange((byte[]) bad.get()[1]);
        }
        assertEquals(List.of(), stack.drainNotifications(), "nothing published");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsAnsweredClearlyAndWritesNothing(String name, byte[] input) throws Exception {
        int before = stack.itemCount();
        JsonNode answer = invokeStatusChange(input);
        assertEquals("INVALID", answer.get("verdict").asText(), name);
        String error = answer.get("error").asText();
        assertTrue(!error.isBlank() && error.length() < 400, "a short, clear error: " + error);
        assertTrue(!error.contains("Exception") && !error.contains("\tat ") && !error.contains("java."),
                "no stack trace or class names in the answer: " + error);
        assertEquals(before, stack.itemCount(), "nothing written");
    }

    @Test
    void anUnknownTaskIsNotFound() throws Exception {
        JsonNode description = stack.describe("never-seen");
        assertEquals(false, description.get("found").asBoolean());
        assertNotNull(description.get("message"));
    }
}
