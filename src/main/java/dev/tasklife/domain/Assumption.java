package dev.tasklife.domain;

/**
 * What a blind first attempt assumed about a record it has not read. Each one is a clause of the write's
 * condition, so a wrong guess fails the write and the record it returns decides instead.
 */
public enum Assumption {
    /** The task has no activation step: an agent's TASK_RUNNING means RUNNING, not ACTIVATING. */
    NO_ACTIVATION_STEP,
    /** The task has no deprovisioning step: a terminal agent state means STOPPED, not DEPROVISIONING. */
    NO_DEPROVISIONING_STEP,
    /** The task is not one a service replaces: no expunge, no replacement to request. */
    NOT_REPLACED_ON_FAILURE,
    /** No replacement was requested: a report that the task runs leaves no instance too many. */
    NOT_REPLACED,
    /** No stop was requested: a report that the task runs does not start the stop path. */
    NO_STOP_REQUESTED,
    /** The task has no deactivation step: a report that ends it does not start with DEACTIVATING. */
    NO_DEACTIVATION_STEP,
    /** The task has not ended (it has no outcome): a live report leaves it as it reports. */
    NOT_ENDED,
    /** The record is no ECS task (lifecycle.md, "Ownership"): an agent's report may move it. */
    NOT_ECS_TASK,
    /** The record is no agent's task (a phase without an ECS task ARN): an ECS event may move it. */
    NOT_AGENT_TASK,
    /**
     * The task is not expunged: an expunged task (it ended failed or expired, its undo steps may still run) is
     * stopped by a write decided on its record, which starts its tombstone's timer.
     */
    NOT_EXPUNGED,
    /** No ECS stop code was noticed before the task stopped: a STOPPED report without one has outcome UNKNOWN. */
    NO_STOP_CODE_RECORDED
}
