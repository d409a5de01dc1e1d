package dev.tasklife;

import static dev.tasklife.Fixtures.T0;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.TransitionTable;
import dev.tasklife.domain.Verdict;

/**
 * lifecycle.md, "Every well-formed event gets a verdict": every event kind against every record the functions can
 * meet, and the rules every verdict keeps. Decided exhaustively on the domain ({@code domain.EveryVerdictTest}) and on
 * a sample through the store on the emulator ({@code it.VerdictCoverageIT}).
 */
public final class VerdictCases {

    /** The kinds of task a record can be. */
    public enum Kind {
        AGENT_TASK, SERVICE_TASK_WITH_EVERY_STEP, ECS_TASK, EXPUNGED_SERVICE_TASK,
        /** An agent task that ended (its agent reported FAILED) and is on its way down, its kill asked once. */
        ENDED_AGENT_TASK_WITH_EVERY_STEP,
        /** A task named by a launch, its kill requested once. */
        LAUNCHED_TASK
    }

    /** One record to meet an event: null for no record. */
    public record Case(String name, TaskRecord record) {

        /** The event of the {@code kind}-th kind of {@link #events} for this record; null where it needs a record. */
        public TaskEvent meets(int kind) {
            return events(record == null ? "e" + kind + "-none" : record.taskId()).get(kind).apply(record);
        }

        /** How a broken rule names the combination. */
        public String label(TaskEvent event) {
            return name + " <- " + event.getClass().getSimpleName() + " " + event.eventId();
        }
    }

    private VerdictCases() {
    }

    /** Every record of the coverage, their ids prefixed so that rounds do not share items. */
    public static List<Case> records(String prefix) {
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
                    cases.add(new Case(phase + "/" + desired + "/" + kind, record(id, phase, desired, kind)));
                }
            }
        }
        return cases;
    }

    private static TaskRecord record(String id, Phase phase, DesiredStatus desired, Kind kind) {
        long agentTimestamp = (T0.getEpochSecond() + 5) * 1_000_000L;
        Fixtures.RecordBuilder record = Fixtures.record(id, phase, 3).desired(desired);
        switch (kind) {
            case AGENT_TASK -> record.agentTimestamp(agentTimestamp);
            case SERVICE_TASK_WITH_EVERY_STEP -> record.service("webapp").steps(Step.values())
                    .agentTimestamp(agentTimestamp);
            case ECS_TASK -> record.ecsVersion(5);
            case EXPUNGED_SERVICE_TASK -> record.service("webapp").expunged(T0, "webapp.other")
                    .agentTimestamp(agentTimestamp);
            case ENDED_AGENT_TASK_WITH_EVERY_STEP -> record.steps(Step.values()).agentState(AgentState.FAILED)
                    .outcome(Outcome.FAILED).agentTimestamp(agentTimestamp).killsRequested(1, T0);
            case LAUNCHED_TASK -> record.launchedAt(T0).agentTimestamp(agentTimestamp).killsRequested(1, T0);
        }
        return record.build();
    }

    /** Every event kind, for one task id; a sweep finding is made on the record it is found on (none without one). */
    public static List<Function<TaskRecord, TaskEvent>> events(String taskId) {
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
        for (String reason : new String[] {"REASON_RECONCILIATION", "REASON_TASK_UNKNOWN",
                "REASON_EXECUTOR_TERMINATED"}) {
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

    /**
     * The rules a verdict keeps whatever it is, from the record before and the phase after: INVALID only for a report
     * from the other kind of source than the task's (ownership), and always for one; only allowed moves; STOPPED
     * stays STOPPED (and an expunged task expunged); the undo steps on every way out.
     *
     * @return what was broken, empty when nothing
     */
    public static List<String> brokenRules(String label, TaskRecord before, TaskEvent event, Verdict verdict,
                                           Phase after, boolean expungedAfter) {
        List<String> broken = new ArrayList<>();
        boolean foreign = before != null && ((event instanceof TaskEvent.AgentStatusUpdate && before.isEcsTask())
                || (event instanceof TaskEvent.EcsStateChange && before.lastStatus() != null && !before.isEcsTask()));
        if ((verdict == Verdict.INVALID) != foreign) {
            broken.add(label + ": " + verdict + (foreign ? " for a report from another kind of source"
                    : " for a well-formed event of the task's own kind"));
        }
        if (before == null || before.lastStatus() == null) {
            return broken;
        }
        Phase from = before.lastStatus();
        if (from == Phase.STOPPED && (after != Phase.STOPPED || expungedAfter != before.isExpunged())) {
            broken.add(label + ": a STOPPED task became " + after);
        }
        if (verdict == Verdict.APPLIED && !TransitionTable.isAllowed(from, after)) {
            broken.add(label + ": applied " + from + " -> " + after);
        }
        // Undo steps run however a task ends: a running task with a deactivation step leaves RUNNING for a stop
        // phase only through DEACTIVATING, and one with a deprovisioning step stops only from DEPROVISIONING.
        if (verdict == Verdict.APPLIED) {
            boolean stopPhase = after.compareTo(Phase.DEACTIVATING) >= 0 && after != Phase.UNREACHABLE;
            if (from == Phase.RUNNING && before.steps().contains(Step.DEACTIVATION) && stopPhase
                    && after != Phase.DEACTIVATING) {
                broken.add(label + ": left RUNNING for " + after + " without deactivating");
            }
            if (after == Phase.STOPPED && before.steps().contains(Step.DEPROVISIONING)
                    && from != Phase.DEPROVISIONING) {
                broken.add(label + ": stopped from " + from + " without deprovisioning");
            }
        }
        return broken;
    }
}
