package dev.tasklife.domain;

import java.time.Instant;

import dev.tasklife.domain.TaskEvent.SweepFinding;

/**
 * The configurable defaults of lifecycle.md ("defaults come from configuration": application.properties holds
 * their values); a task's own unreachable strategy, given at launch, wins over the first two.
 *
 * @param inactiveAfterSeconds how long a service task may be UNREACHABLE before its replacement is requested
 * @param expungeAfterSeconds how long a task may be UNREACHABLE before the sweeper marks it UNKNOWN and expunges it
 * @param tombstoneSeconds how long an expunged task keeps its full record (history, reasons) for describe before
 *     the sweeper compacts it to the permanent marker that keeps it dead
 * @param stepTimeoutSeconds how long a control-plane step (PROVISIONING, ACTIVATING, DEACTIVATING,
 *     DEPROVISIONING) may take before the sweeper fails it or forces the task on
 * @param killRetrySeconds how long an agent task wanted STOPPED may stay in STOPPING after its kill was requested
 *     before the kill is requested again (and the least time between two kills of one task)
 * @param launchTimeoutSeconds how long a launched task may stay PENDING before it is overdue: killed, and down its
 *     stop path with outcome FAILED
 * @param retainStoppedSeconds how long a task STOPPED and not expunged keeps its full record before the sweeper
 *     compacts it to the permanent marker
 */
public record LifecyclePolicy(long inactiveAfterSeconds, long expungeAfterSeconds, long tombstoneSeconds,
                              long stepTimeoutSeconds, long killRetrySeconds, long launchTimeoutSeconds,
                              long retainStoppedSeconds) {

    /** The largest unreachable-strategy value a task may ask for (lifecycle.md: "between 0 and 1 year"). */
    public static final long MAX_STRATEGY_SECONDS = 365L * 24 * 3600;

    public LifecyclePolicy {
        if (inactiveAfterSeconds < 0 || inactiveAfterSeconds > MAX_STRATEGY_SECONDS
                || expungeAfterSeconds < 0 || expungeAfterSeconds > MAX_STRATEGY_SECONDS
                || tombstoneSeconds < 0 || tombstoneSeconds > 10 * MAX_STRATEGY_SECONDS
                || stepTimeoutSeconds < 1 || stepTimeoutSeconds > MAX_STRATEGY_SECONDS
                || killRetrySeconds < 1 || killRetrySeconds > MAX_STRATEGY_SECONDS
                || launchTimeoutSeconds < 1 || launchTimeoutSeconds > MAX_STRATEGY_SECONDS
                || retainStoppedSeconds < 1 || retainStoppedSeconds > 10 * MAX_STRATEGY_SECONDS) {
            throw new IllegalArgumentException("lifecycle policy out of bounds: " + this);
        }
    }

    public long inactiveAfterSeconds(TaskRecord task) {
        return bounded(task.inactiveAfterSeconds(), inactiveAfterSeconds);
    }

    public long expungeAfterSeconds(TaskRecord task) {
        return bounded(task.expungeAfterSeconds(), expungeAfterSeconds);
    }

    /**
     * What is due for an UNREACHABLE task at {@code now}: expunged once its expunge time has passed, its replacement
     * requested once its inactive time has (a service task not yet replaced), or nothing yet (null).
     */
    public SweepFinding.Finding unreachableFinding(SweepEntry task, Instant now) {
        if (!task.since().plusSeconds(bounded(task.expungeAfterSeconds(), expungeAfterSeconds)).isAfter(now)) {
            return SweepFinding.Finding.UNREACHABLE_EXPIRED;
        }
        boolean replacementDue = task.replaceOnFailure() && task.replacedBy() == null
                && !task.since().plusSeconds(bounded(task.inactiveAfterSeconds(), inactiveAfterSeconds)).isAfter(now);
        return replacementDue ? SweepFinding.Finding.REPLACEMENT_DUE : null;
    }

    /**
     * Whether a kill may be requested for the task at {@code now}: none was yet, or the last one is at least
     * {@link #killRetrySeconds} old (a task that keeps reporting itself live is not killed more often than that).
     */
    public boolean killDue(TaskRecord task, Instant now) {
        return task.killRequestedAt() == null || !task.killRequestedAt().plusSeconds(killRetrySeconds).isAfter(now);
    }

    /** A task's own value, held to the bounds even if a record written before they existed carries another. */
    private static long bounded(Long own, long fallback) {
        return own == null ? fallback : Math.max(0, Math.min(own, MAX_STRATEGY_SECONDS));
    }
}
