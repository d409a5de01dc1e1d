package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.UNREACHABLE;

import java.time.Clock;
import java.util.Set;

import dev.tasklife.domain.TaskEvent.SweepFinding;

/**
 * What the scheduled sweeper found (lifecycle.md, "Marathon handling", "Every wait has a timer"; tombstones due): an
 * UNREACHABLE task expired or due for its replacement, a step that timed out, a kill not confirmed, a launch
 * overdue, a tombstone or a long-stopped task to compact; and what the reconciler found: an ECS task ECS no longer
 * knows. A finding acts only on the record exactly as it was found.
 */
final class SweepFindings {

    private final LifecyclePolicy policy;
    private final Clock clock;
    private final AllowedMoves moves;
    private final MarathonHandling marathon;

    SweepFindings(LifecyclePolicy policy, Clock clock, AllowedMoves moves, MarathonHandling marathon) {
        this.policy = policy;
        this.clock = clock;
        this.moves = moves;
        this.marathon = marathon;
    }

    Decision decide(SweepFinding finding, TaskRecord current) {
        if (current.lastStatus() != finding.phase() || current.version() != finding.version()) {
            return new Decision.Skip(Verdict.UNCHANGED, "task moved on since the sweep found it "
                    + finding.phase() + " (now " + current.lastStatus() + ")");
        }
        if (!sweepable(finding.finding(), current)) {
            // A finding that does not fit the record (not one the sweep index gives) has nothing to act on.
            return new Decision.Skip(Verdict.UNCHANGED, "nothing to sweep: " + finding.finding() + " on a task "
                    + current.lastStatus());
        }
        TaskChange.Builder fields = TaskChange.of(finding, clock.instant());
        return switch (finding.finding()) {
            case UNREACHABLE_EXPIRED -> {
                // Given up: expunged (every task unreachable too long, not only those a service replaces), replaced
                // at once, and down its stop path past STOPPING (its agent is gone), so that its undo steps run.
                // An outcome decided before (a launch overdue that went UNREACHABLE while it was killed) stays.
                fields.agentState(AgentState.UNKNOWN).desired(DesiredStatus.STOPPED).outcomeUnlessSet(
                        Outcome.UNKNOWN, "unreachable for more than " + policy.expungeAfterSeconds(current) + " s");
                marathon.expunge(fields, current, fields.build());
                yield moves.moveOrReject(fields, current, StopPath.next(UNREACHABLE, current.steps(), true));
            }
            case REPLACEMENT_DUE -> {
                if (!current.replaceOnFailure() || current.replacedBy() != null || current.decommissioned()) {
                    // A decommissioned task leaves no gap; the index does not project the flag, so the sweep finds
                    // it again each run until it comes back or expires, and reads its record (0.5 RCU).
                    yield new Decision.Skip(Verdict.UNCHANGED, "no replacement to request");
                }
                TaskChange noMove = fields.move(null, Guard.informed(current, Set.of(UNREACHABLE))).build();
                marathon.requestReplacement(fields, current, noMove);
                yield new Decision.Write(fields.build());
            }
            case STEP_TIMED_OUT -> {
                StepCompletions.fail(fields, current, finding.phase() + " timed out after "
                        + policy.stepTimeoutSeconds() + " s");
                yield moves.moveOrReject(fields, current, StopPath.next(current));
            }
            case KILL_RETRY_DUE -> new Decision.Write(fields.requestKill()
                    .move(null, Guard.informed(current, Set.of(Phase.STOPPING))).build());
            case LAUNCH_OVERDUE -> {
                // Marathon's overdue task: killed (STOPPING's action), and failed, so that a service replaces it.
                String reason = "launch overdue: not RUNNING " + policy.launchTimeoutSeconds()
                        + " s after entering PENDING";
                fields.desired(DesiredStatus.STOPPED).outcome(Outcome.FAILED, reason).stopReason(reason);
                yield moves.moveOrReject(fields, current, StopPath.next(current));
            }
            case MISSING_FROM_ECS -> moves.moveOrReject(fields.outcome(Outcome.UNKNOWN,
                    "ECS no longer knows the task (DescribeTasks: MISSING)"), current, STOPPED);
            case TOMBSTONE_DUE, RETENTION_DUE -> new Decision.Write(fields.compact()
                    .move(null, Guard.informed(current, Set.of(STOPPED))).build());
        };
    }

    private static boolean sweepable(SweepFinding.Finding finding, TaskRecord task) {
        return switch (finding) {
            case UNREACHABLE_EXPIRED, REPLACEMENT_DUE -> task.lastStatus() == UNREACHABLE;
            case STEP_TIMED_OUT -> {
                Step step = task.lastStatus() == null ? null : Step.runningIn(task.lastStatus());
                yield step != null && task.steps().contains(step);
            }
            case TOMBSTONE_DUE -> task.lastStatus() == STOPPED && task.tombstoneUntil() != null;
            case RETENTION_DUE -> task.lastStatus() == STOPPED && !task.isExpunged() && task.compactedAt() == null;
            case KILL_RETRY_DUE -> task.lastStatus() == Phase.STOPPING && task.mustNotRun() && !task.isEcsTask();
            case LAUNCH_OVERDUE -> task.lastStatus() == Phase.PENDING && task.launchedAt() != null
                    && !task.isEcsTask();
            case MISSING_FROM_ECS -> task.taskArn() != null && task.lastStatus() != null && task.lastStatus() != STOPPED;
        };
    }
}
