package dev.tasklife.domain;

import java.time.Instant;
import java.util.Set;

/**
 * One conditional write to a task record, in domain terms. Null fields are left as they are. Identity and launch
 * settings (cluster, ARN, service, steps, unreachable strategy, stop reason) are written only where the record
 * has none yet: they never change for a task.
 *
 * @param moveTo the phase to enter (appending a history entry), or null for no move
 * @param keepDesiredStatus write {@code desiredStatus} only where the record has none (a launch must not undo a
 *     stop that overtook it)
 */
public record TaskChange(
        String taskId,
        String cause,
        String dedupeKey,
        Instant at,
        Phase moveTo,
        Guard guard,
        DesiredStatus desiredStatus,
        boolean keepDesiredStatus,
        AgentState agentState,
        Long agentTimestampMicros,
        Outcome outcome,
        String outcomeReason,
        Long ecsVersion,
        String cluster,
        String taskArn,
        String service,
        Set<Step> steps,
        Long inactiveAfterSeconds,
        Long expungeAfterSeconds,
        String stopReason) {

    public TaskChange {
        steps = Set.copyOf(steps);
    }

    public TaskChange withMove(Phase phase, Guard newGuard) {
        return new TaskChange(taskId, cause, dedupeKey, at, phase, newGuard, desiredStatus, keepDesiredStatus,
                agentState, agentTimestampMicros, outcome, outcomeReason, ecsVersion, cluster, taskArn, service,
                steps, inactiveAfterSeconds, expungeAfterSeconds, stopReason);
    }

    /** Whether writing this change without a move would alter anything someone reading the record sees. */
    public boolean altersFieldsOf(TaskRecord current) {
        return (desiredStatus != null
                        && (keepDesiredStatus ? current.desiredStatus() == null
                                : desiredStatus != current.desiredStatus()))
                || (agentState != null && agentState != current.agentState())
                || (outcome != null && outcome != current.outcome())
                || fillsGap(cluster, current.cluster())
                || fillsGap(taskArn, current.taskArn())
                || fillsGap(service, current.service())
                || (!steps.isEmpty() && current.steps().isEmpty())
                || fillsGap(inactiveAfterSeconds, current.inactiveAfterSeconds())
                || fillsGap(expungeAfterSeconds, current.expungeAfterSeconds())
                || fillsGap(stopReason, current.stopReason());
    }

    private static boolean fillsGap(Object offered, Object present) {
        return offered != null && present == null;
    }
}
