package dev.tasklife.domain;

/**
 * The configurable defaults of lifecycle.md ("defaults come from configuration"); a task's own unreachable
 * strategy, given at launch, wins over the first two.
 *
 * @param inactiveAfterSeconds how long a service task may be UNREACHABLE before its replacement is requested
 * @param expungeAfterSeconds how long a task may be UNREACHABLE before the sweeper marks it UNKNOWN and expunges it
 * @param tombstoneSeconds how long an expunged task stays describable before DynamoDB TTL removes it
 * @param stepTimeoutSeconds how long a control-plane step (PROVISIONING, ACTIVATING, DEACTIVATING,
 *     DEPROVISIONING) may take before the sweeper fails it or forces the task on
 */
public record LifecyclePolicy(long inactiveAfterSeconds, long expungeAfterSeconds, long tombstoneSeconds,
                              long stepTimeoutSeconds) {

    /** Replace at once, expunge after 15 minutes (Marathon's task handling), keep tombstones 7 days. */
    public static final LifecyclePolicy DEFAULTS = new LifecyclePolicy(0, 900, 7 * 24 * 3600, 600);

    public long inactiveAfterSeconds(TaskRecord task) {
        return task.inactiveAfterSeconds() != null ? task.inactiveAfterSeconds() : inactiveAfterSeconds;
    }

    public long expungeAfterSeconds(TaskRecord task) {
        return task.expungeAfterSeconds() != null ? task.expungeAfterSeconds() : expungeAfterSeconds;
    }
}
