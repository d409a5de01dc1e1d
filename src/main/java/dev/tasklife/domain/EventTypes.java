package dev.tasklife.domain;

/** The EventBridge {@code detail-type}s of lifecycle.md. */
public final class EventTypes {

    public static final String ECS_TASK_STATE_CHANGE = "ECS Task State Change";
    public static final String TASK_STATUS_UPDATE = "Task Status Update";
    public static final String TASK_LAUNCH_REQUESTED = "Task Launch Requested";
    public static final String TASK_STOP_REQUESTED = "Task Stop Requested";

    public static final String TASK_STEP_COMPLETED = "Task Step Completed";

    public static final String TASK_STATE_CHANGED = "Task State Changed";
    public static final String TASK_TRANSITION_REJECTED = "Task Transition Rejected";
    public static final String TASK_REPLACEMENT_REQUESTED = "Task Replacement Requested";
    public static final String TASK_EXPUNGED = "Task Expunged";
    public static final String TASK_KILL_REQUESTED = "Task Kill Requested";
    public static final String TASK_RECONCILIATION_REQUESTED = "Task Reconciliation Requested";

    /** The follow-up event asking a step worker to perform a step. */
    public static String stepRequested(Step step) {
        return switch (step) {
            case PROVISIONING -> "Task Provisioning Requested";
            case ACTIVATION -> "Task Activation Requested";
            case DEACTIVATION -> "Task Deactivation Requested";
            case DEPROVISIONING -> "Task Deprovisioning Requested";
        };
    }

    private EventTypes() {
    }
}
