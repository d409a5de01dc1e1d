package dev.tasklife.domain;

import java.time.Instant;

/**
 * The waits the sweeper times (lifecycle.md, "Every wait has a timer"), each read from the sweep's sparse index: a
 * task waits on at most one at a time, since when it started (for a tombstone, when it is due).
 */
public enum Timer {
    /** UNREACHABLE: to be replaced after inactiveAfterSeconds, expired after expungeAfterSeconds. */
    UNREACHABLE,
    /** In a control-plane step the task asked for: fails, or is forced on, after the step timeout. */
    STEP,
    /** A launched task PENDING: overdue after the launch timeout. */
    LAUNCH,
    /** An agent task wanted STOPPED in STOPPING since its last kill request: requested again after the retry time. */
    KILL,
    /** An expunged task STOPPED whose tombstone is due to be compacted. */
    TOMBSTONE,
    /** A task STOPPED and not expunged: compacted to its permanent marker after the retention time. */
    RETAIN;

    /** What one write does to its task's timer. */
    public sealed interface Change {
    }

    /** The write leaves the timer as it is. */
    public record Kept() implements Change {
    }

    /** The write ends whatever the task waited on. */
    public record Cleared() implements Change {
    }

    /** The write starts {@code timer}, running from {@code since}. */
    public record Started(Timer timer, Instant since) implements Change {
    }

    /**
     * What {@code change} does to the task's timer, from the phase it leaves the task in.
     *
     * @param decidedOn the record the change was decided on; null for a blind change (which never starts a wait
     *     that depends on the record: the guards keep it to the moves that do not)
     */
    public static Change after(TaskChange change, TaskRecord decidedOn) {
        if (change.compact()) {
            return new Cleared();
        }
        Phase phase = change.moveTo() != null ? change.moveTo() : decidedOn == null ? null : decidedOn.lastStatus();
        Long tombstone = change.tombstoneUntil() != null ? change.tombstoneUntil()
                : decidedOn == null ? null : decidedOn.tombstoneUntil();
        boolean stopsOrTombstones = change.moveTo() != null || change.tombstoneUntil() != null;
        if (phase == Phase.STOPPED && tombstone != null && stopsOrTombstones) {
            return new Started(TOMBSTONE, Instant.ofEpochSecond(tombstone));
        }
        if (change.moveTo() == null) {
            if (change.requestKill() && phase == Phase.STOPPING) {
                return new Started(KILL, change.at()); // a kill requested again restarts its retry time
            }
            if (phase == Phase.PENDING && change.launchedAt() != null && decidedOn.launchedAt() == null) {
                // A launch that comes after the agent's first report: timed from when the task entered PENDING.
                return new Started(LAUNCH, decidedOn.phaseSince());
            }
            return new Kept();
        }
        Timer started = switch (phase) {
            case UNREACHABLE -> UNREACHABLE;
            case PROVISIONING, ACTIVATING, DEACTIVATING, DEPROVISIONING ->
                    hasStep(change, decidedOn, Step.runningIn(phase)) ? STEP : null;
            case PENDING -> change.launchedAt() != null || (decidedOn != null && decidedOn.launchedAt() != null)
                    ? LAUNCH : null;
            case STOPPING -> change.requestKill() ? KILL : null;
            case RUNNING -> null;
            case STOPPED -> RETAIN; // not expunged (above): kept in full for the retention time
        };
        return started == null ? new Cleared() : new Started(started, change.at());
    }

    /** Whether the task asked for the step: an ECS task reports step phases of its own and waits on none of ours. */
    private static boolean hasStep(TaskChange change, TaskRecord decidedOn, Step step) {
        return change.steps().contains(step) || (decidedOn != null && decidedOn.steps().contains(step));
    }
}
