package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.RUNNING;
import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.STOPPING;

import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.StatusChange;

/**
 * Allowed moves (lifecycle.md): a move the {@link TransitionTable} allows is written together with what arriving
 * brings; every other move is rejected. STOPPED is final.
 */
final class AllowedMoves {

    private final MarathonHandling marathon;

    AllowedMoves(MarathonHandling marathon) {
        this.marathon = marathon;
    }

    /** The move into {@code target}, guarded by the allowed predecessors and the version decided on; or why not. */
    Decision moveOrReject(TaskChange.Builder fields, TaskRecord current, Phase target) {
        if (!TransitionTable.isAllowed(current.lastStatus(), target)) {
            return new Decision.Reject(target, current.lastStatus() + " -> " + target + " is not an allowed move",
                    false);
        }
        return new Decision.Write(arrive(fields, current, target,
                Guard.informed(current, TransitionTable.predecessorsOf(target))));
    }

    /**
     * The move into {@code target} with what arriving there brings: an outcome for a task that stops without one;
     * for an agent task wanted STOPPED that enters STOPPING, its kill (STOPPING's action); and for a task a service
     * replaces, Marathon's expunge and replacement.
     */
    TaskChange arrive(TaskChange.Builder fields, TaskRecord current, Phase target, Guard guard) {
        fields.move(target, guard);
        TaskChange draft = fields.build();
        if (!current.isEcsTask() && draft.taskArn() == null && mustNotRunAfter(draft, current)
                && (target == STOPPING || (StopPath.ends(target) && current.agentTimestampMicros() == null
                        && draft.agentTimestampMicros() == null && current.killsRequested() == 0))) {
            // A task no agent reported skips STOPPING: it is asked killed once all the same, should it start after
            // all (it is then STOPPED, and a live report of it is rejected and killed again).
            fields.requestKill();
        }
        if (target == STOPPED && draft.outcome() == null && current.outcome() == null) {
            if (current.stopCode() != null) {
                // A stop code noticed while the task still ran (a Spot termination notice) says why it stopped.
                fields.outcomeUnlessSet(EcsStateChange.outcomeOf(current.stopCode(), false), current.stopReason());
            } else {
                boolean requested = current.desiredStatus() == DesiredStatus.STOPPED
                        || draft.desiredStatus() == DesiredStatus.STOPPED;
                fields.outcomeUnlessSet(requested ? Outcome.STOPPED_BY_REQUEST : Outcome.UNKNOWN, draft.outcomeReason());
            }
        }
        marathon.onArrival(fields, current, target, draft);
        return fields.build();
    }

    /** Whether the task must not run once {@code change} is written: wanted STOPPED, or ended (an outcome). */
    private static boolean mustNotRunAfter(TaskChange change, TaskRecord current) {
        DesiredStatus desired = change.desiredStatus() == null
                || (change.keepDesiredStatus() && current.desiredStatus() != null)
                ? current.desiredStatus() : change.desiredStatus();
        return desired == DesiredStatus.STOPPED || change.outcome() != null || current.outcome() != null;
    }

    /**
     * STOPPED is final. A live report from a stopped task means it runs unaccounted for (it came back after it
     * was expunged, or after it was recorded stopped): rejected, and the task is to be killed (lifecycle.md,
     * "Returning tasks"). Any other move out is rejected; a report or request that agrees with STOPPED changes
     * nothing.
     */
    static Decision outOfStopped(StatusChange event, TaskRecord current) {
        String task = current.isExpunged() ? "task is expunged" : "task is STOPPED";
        Phase reported = RequestedPhase.reported(event);
        if (reported != null && reported.compareTo(RUNNING) <= 0) {
            // An agent's task running unaccounted for is killed; ECS tasks are ECS's to kill.
            return new Decision.Reject(reported, task + " but reported " + reported
                    + (current.isEcsTask() ? "" : ": it is to be killed"), !current.isEcsTask());
        }
        if (reported == null || reported == STOPPED) {
            return new Decision.Skip(Verdict.UNCHANGED, task + " already");
        }
        return new Decision.Reject(reported, "STOPPED -> " + reported + " is not an allowed move (" + task + ")",
                false);
    }
}
