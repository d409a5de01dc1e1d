package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.UNREACHABLE;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Marathon handling (lifecycle.md): a task that belongs to a service is expunged and replaced when it fails, and
 * replaced when it has been UNREACHABLE for {@code inactiveAfterSeconds}. Expunged tasks keep a tombstone.
 */
final class MarathonHandling {

    /** Outcomes after which a service replaces its task; FINISHED and KILLED are not replaced. */
    private static final Set<Outcome> REPLACED_OUTCOMES = EnumSet.of(Outcome.ERROR, Outcome.FAILED,
            Outcome.DROPPED, Outcome.GONE, Outcome.GONE_BY_OPERATOR, Outcome.UNKNOWN);

    private final LifecyclePolicy policy;
    private final Supplier<UUID> replacementIds;

    MarathonHandling(LifecyclePolicy policy, Supplier<UUID> replacementIds) {
        this.policy = policy;
        this.replacementIds = replacementIds;
    }

    /** Whether a task a service replaces would be expunged or replaced by this move. */
    static boolean mayBeReplaced(Phase target, Outcome outcome) {
        return target == UNREACHABLE || (StopPath.ends(target) && REPLACED_OUTCOMES.contains(outcome));
    }

    /**
     * What arriving in {@code target} brings a task a service replaces: after a failure, as soon as its stop path
     * starts (its undo steps run after, the service does not wait for them), the expunge and the replacement; on
     * becoming UNREACHABLE with no time allowed to come back, the replacement.
     *
     * @param draft the move as the event made it, before an outcome was inferred for a task that stops without one
     */
    void onArrival(TaskChange.Builder fields, TaskRecord current, Phase target, TaskChange draft) {
        Outcome outcome = draft.outcome() != null ? draft.outcome() : current.outcome();
        if (current.replaceOnFailure() && StopPath.ends(target) && REPLACED_OUTCOMES.contains(outcome)) {
            expunge(fields, current, draft);
            requestReplacement(fields, current, draft);
        }
        if (current.replaceOnFailure() && target == UNREACHABLE && policy.inactiveAfterSeconds(current) == 0) {
            requestReplacement(fields, current, draft);
        }
    }

    /**
     * A task a service replaced while it was UNREACHABLE, reported running again: it is decided with the records
     * of its stand-ins ({@link Comebacks}), unless the task was asked to stop meanwhile (it goes down its stop path
     * anyway, and the replacement is the one left).
     */
    static boolean comesBackReplaced(TaskRecord current, AgentState reported) {
        return current.replaceOnFailure() && current.replacedBy() != null && current.lastStatus() == UNREACHABLE
                && current.desiredStatus() != DesiredStatus.STOPPED && reported == AgentState.RUNNING;
    }

    /**
     * Expunges the task, describable in full for the policy's tombstone time from {@code change}, unless it is
     * expunged already (its undo steps run after the expunge).
     */
    void expunge(TaskChange.Builder fields, TaskRecord current, TaskChange change) {
        if (!current.isExpunged()) {
            fields.expunge(change.at().getEpochSecond() + policy.tombstoneSeconds());
        }
    }

    /**
     * Creates the replacement in the same write as {@code cause}, unless the task has one already or is
     * decommissioned: a task asked to stop (or stopped as one too many) that then fails or goes unreachable leaves no
     * gap to fill, as Marathon never revives an instance whose goal is Decommissioned.
     */
    void requestReplacement(TaskChange.Builder fields, TaskRecord current, TaskChange cause) {
        if (current.replacedBy() != null) {
            return; // requested before (the task went UNREACHABLE first)
        }
        if (current.decommissioned() || cause.decommission()) {
            return;
        }
        String replacementId = replacementId(current.service());
        TaskChange creation = new TaskChange.Builder(replacementId, cause.cause(), "replacement-of:"
                + current.taskId(), cause.at())
                .move(RequestedPhase.ofLaunch(current.steps()), new Guard(true, Set.of(), null, Set.of()))
                .desired(DesiredStatus.RUNNING)
                .identity(current.cluster(), null, current.service())
                .launchSettings(current.steps(), current.inactiveAfterSeconds(), current.expungeAfterSeconds(), true,
                        current.killSelection())
                .replacementOf(current.taskId())
                // Launched now, as a launch would: if nobody starts it, its launch times out.
                .launchedAt(cause.at())
                .build();
        fields.replacedBy(creation);
    }

    /**
     * A new id for the task that replaces one of {@code service} ({@link TaskIds#replacementId}). It is random, so it
     * cannot be taken in advance; a retry decides again and either finds the replacement made (the link is on the
     * record) or makes one with a new id.
     */
    private String replacementId(String service) {
        return TaskIds.replacementId(service, replacementIds.get());
    }
}
