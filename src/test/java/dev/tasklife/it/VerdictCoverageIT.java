package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.TransitionTable;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.emulated.OnMoto;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.store.RecordItems;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * lifecycle.md, "Every well-formed event gets a verdict": every event kind against every record the functions can
 * meet (no record, a stop request only, each phase x desired status x kind of task, an expunged task), through the
 * real domain and store code on the emulator. No combination throws; a verdict that writes nothing leaves the item
 * byte-identical; an applied move is an allowed one; a STOPPED task stays STOPPED.
 */
@QuarkusTest
@TestProfile(OnMoto.Patiently.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerdictCoverageIT {

    /** The kinds of task a record can be. */
    private enum Kind {
        AGENT_TASK, SERVICE_TASK_WITH_EVERY_STEP, ECS_TASK, EXPUNGED_SERVICE_TASK
    }

    private record Case(String name, TaskRecord record) {
    }

    private LifecycleStack stack;
    private int combinations;

    /**
     * Ten thousand requests to one emulator process: an occasional answer takes seconds (the emulator's pauses), so
     * the budget is wider than production's ({@link OnMoto.Patiently}); an AWS failure that still happens is allowed
     * (lifecycle.md: only a failure of DynamoDB or EventBridge fails an invocation), counted, and must stay rare.
     */
    @BeforeAll
    void createStack() throws Exception {
        stack = LifecycleStack.fresh();
    }

    private static List<Case> records(String prefix) {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("no record", null));
        cases.add(new Case("a stop request only", Fixtures.record(prefix + "-s", null, 1)
                .desired(DesiredStatus.STOPPED).build()));
        for (Phase phase : Phase.values()) {
            for (DesiredStatus desired : DesiredStatus.values()) {
                for (Kind kind : Kind.values()) {
                    if (kind == Kind.EXPUNGED_SERVICE_TASK && phase != Phase.STOPPED) {
                        continue;
                    }
                    String id = prefix + "-" + phase + "-" + desired + "-" + kind.ordinal();
                    Fixtures.RecordBuilder record = Fixtures.record(id, phase, 3).desired(desired);
                    switch (kind) {
                        case AGENT_TASK -> record.agentTimestamp((T0.getEpochSecond() + 5) * 1_000_000L);
                        case SERVICE_TASK_WITH_EVERY_STEP -> record.service("webapp").steps(Step.values())
                                .agentTimestamp((T0.getEpochSecond() + 5) * 1_000_000L);
                        case ECS_TASK -> record.ecsVersion(5);
                        case EXPUNGED_SERVICE_TASK -> record.service("webapp").expunged(T0, "webapp.other")
                                .agentTimestamp((T0.getEpochSecond() + 5) * 1_000_000L);
                    }
                    cases.add(new Case(phase + "/" + desired + "/" + kind, record.build()));
                }
            }
        }
        return cases;
    }

    /** Every event kind, for one task id; a sweep finding is made on the record it is found on. */
    private static List<Function<TaskRecord, TaskEvent>> events(String taskId) {
        List<Function<TaskRecord, TaskEvent>> events = new ArrayList<>();
        for (Phase phase : Phase.values()) {
            if (phase == Phase.UNREACHABLE) {
                continue; // ECS has no such status
            }
            for (DesiredStatus desired : DesiredStatus.values()) {
                events.add(record -> new TaskEvent.EcsStateChange("ecs-" + phase + desired, T0.plusSeconds(9), taskId,
                        Fixtures.taskArn(taskId), Fixtures.CLUSTER, null, phase, desired, 7,
                        phase == Phase.STOPPED ? "EssentialContainerExited" : null, null, false, null, null));
            }
        }
        events.add(record -> new TaskEvent.EcsStateChange("ecs-nocode", T0.plusSeconds(9), taskId,
                Fixtures.taskArn(taskId), Fixtures.CLUSTER, null, Phase.STOPPED, DesiredStatus.STOPPED, 7, null, null,
                false, null, null));
        events.add(record -> Fixtures.ecs(taskId, Phase.RUNNING, 2)); // older than the ECS task's version 5
        for (AgentState state : AgentState.values()) {
            events.add(record -> Fixtures.agent(taskId, state, 9, "u-" + state));
        }
        for (String reason : new String[] {"REASON_RECONCILIATION", "REASON_TASK_UNKNOWN", "REASON_EXECUTOR_TERMINATED"}) {
            events.add(record -> new TaskEvent.AgentStatusUpdate("lost-" + reason, T0.plusSeconds(9), taskId,
                    AgentState.fromMesos("TASK_LOST", reason), reason, null, "agent-1",
                    (T0.getEpochSecond() + 9) * 1_000_000L, null));
        }
        events.add(record -> Fixtures.agent(taskId, AgentState.RUNNING, 1, "old")); // older than the agent's last
        events.add(record -> Fixtures.launch(taskId, "webapp", true, true, 0L));
        events.add(record -> Fixtures.launch(taskId, null, false, false, null));
        events.add(record -> Fixtures.stop(taskId));
        for (Step step : Step.values()) {
            events.add(record -> Fixtures.stepDone(taskId, step, true));
            events.add(record -> Fixtures.stepDone(taskId, step, false));
        }
        for (Finding finding : Finding.values()) {
            events.add(record -> record == null || record.lastStatus() == null ? null
                    : new TaskEvent.SweepFinding(T0.plusSeconds(3600), taskId, finding, record.lastStatus(),
                            record.version()));
        }
        return events;
    }

    @Test
    void everyEventAgainstEveryRecordGetsAVerdictAndKeepsTheRules() {
        List<String> broken = new ArrayList<>();
        List<String> awsFailures = new ArrayList<>();
        long started = System.nanoTime();
        int eventKinds = events("x").size();
        for (int e = 0; e < eventKinds; e++) {
            List<Case> cases = records("e" + e);
            putAll(cases);
            for (Case base : cases) {
                String taskId = base.record() == null ? "e" + e + "-none" : base.record().taskId();
                TaskRecord record = base.record();
                TaskEvent event = events(taskId).get(e).apply(record);
                if (event == null) {
                    continue;
                }
                combinations++;
                String label = base.name() + " <- " + event.getClass().getSimpleName() + " " + event.eventId();
                try {
                    check(label, record, event, broken);
                } catch (SdkException awsFailure) {
                    awsFailures.add(label + ": " + awsFailure);
                } catch (RuntimeException thrown) {
                    broken.add(label + ": threw " + thrown);
                }
            }
        }
        System.out.printf("verdict coverage: %d combinations (%d event kinds) in %.1f s; AWS failures %d %s%n",
                combinations, eventKinds, (System.nanoTime() - started) / 1e9, awsFailures.size(), awsFailures);
        assertEquals(List.of(), broken, broken.size() + " of " + combinations + " combinations broke a rule");
        assertTrue(awsFailures.size() <= combinations / 100, "AWS failures are rare: " + awsFailures);
    }

    /** Writes the records of one round, 25 to a request. */
    private void putAll(List<Case> cases) {
        List<WriteRequest> writes = cases.stream().filter(base -> base.record() != null)
                .map(base -> WriteRequest.builder().putRequest(put -> put.item(RecordItems.item(base.record())))
                        .build()).toList();
        for (int from = 0; from < writes.size(); from += 25) {
            List<WriteRequest> batch = writes.subList(from, Math.min(writes.size(), from + 25));
            Map<String, List<WriteRequest>> unprocessed = Map.of(stack.tableName, batch);
            while (!unprocessed.isEmpty()) {
                Map<String, List<WriteRequest>> request = unprocessed;
                unprocessed = stack.dynamo.batchWriteItem(write -> write.requestItems(request)).unprocessedItems();
            }
        }
    }

    private void check(String label, TaskRecord record, TaskEvent event, List<String> broken) {
        stack.clock.set(T0.plusSeconds(3600));
        Map<String, AttributeValue> before = record == null ? null : RecordItems.item(record);
        StatusChangeResult result = event instanceof TaskEvent.SweepFinding
                ? stack.service.apply(event, record) : stack.service.apply(event);
        Verdict verdict = result.verdict();
        Map<String, AttributeValue> item = stack.rawItem(event.taskId());
        TaskRecord after = RecordItems.record(item);
        boolean wrote = verdict == Verdict.APPLIED || verdict == Verdict.UPDATED;
        // A DUPLICATE may follow this very event's own write whose answer was lost (the emulator is slow to
        // answer a transaction, the SDK retries it): then the item holds the event's key.
        boolean ownWrite = verdict == Verdict.DUPLICATE && after != null
                && after.appliedKeys().contains(event.dedupeKey());
        if (!wrote && before != null && !before.equals(item) && !ownWrite) {
            broken.add(label + ": " + verdict + " but the item changed");
        }
        if (record != null && record.lastStatus() == Phase.STOPPED
                && (after.lastStatus() != Phase.STOPPED || after.isExpunged() != record.isExpunged())) {
            broken.add(label + ": a STOPPED task became " + after.lastStatus());
        }
        if (verdict == Verdict.APPLIED && record != null && record.lastStatus() != null
                && !TransitionTable.isAllowed(record.lastStatus(), after.lastStatus())) {
            broken.add(label + ": applied " + record.lastStatus() + " -> " + after.lastStatus());
        }
        // Ownership: a report from the other kind of source than the task's is INVALID, and only that.
        boolean foreign = record != null && ((event instanceof TaskEvent.AgentStatusUpdate && record.isEcsTask())
                || (event instanceof TaskEvent.EcsStateChange && record.lastStatus() != null && !record.isEcsTask()));
        if ((verdict == Verdict.INVALID) != foreign) {
            broken.add(label + ": " + verdict + (foreign ? " for a report from another kind of source"
                    : " for a well-formed event of the task's own kind"));
        }
        // Undo steps run however a task ends: a running task with a deactivation step leaves RUNNING for a stop
        // phase only through DEACTIVATING, and one with a deprovisioning step stops only from DEPROVISIONING.
        if (verdict == Verdict.APPLIED && record != null && record.lastStatus() != null) {
            Phase from = record.lastStatus();
            Phase to = after.lastStatus();
            boolean stopPhase = to.compareTo(Phase.DEACTIVATING) >= 0 && to != Phase.UNREACHABLE;
            if (from == Phase.RUNNING && record.steps().contains(Step.DEACTIVATION) && stopPhase
                    && to != Phase.DEACTIVATING) {
                broken.add(label + ": left RUNNING for " + to + " without deactivating");
            }
            if (to == Phase.STOPPED && record.steps().contains(Step.DEPROVISIONING) && from != Phase.DEPROVISIONING) {
                broken.add(label + ": stopped from " + from + " without deprovisioning");
            }
        }
        // One meaning per field of the answer, whatever the verdict.
        if (result.phase() != (after == null ? null : after.lastStatus())) {
            broken.add(label + ": " + verdict + " answered phase " + result.phase() + " for a task "
                    + (after == null ? "not recorded" : after.lastStatus()));
        }
        if ((result.move() != null) != (verdict == Verdict.APPLIED)
                || (result.move() != null && result.move().to() != result.phase())) {
            broken.add(label + ": " + verdict + " answered move " + result.move());
        }
        if (verdict == Verdict.STALE ? result.requested() == null
                : verdict != Verdict.REJECTED && result.requested() != null) {
            broken.add(label + ": " + verdict + " answered requested " + result.requested());
        }
    }
}
