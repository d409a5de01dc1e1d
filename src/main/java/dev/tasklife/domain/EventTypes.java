package dev.tasklife.domain;

/** The EventBridge {@code detail-type}s of lifecycle.md. */
public final class EventTypes {

    public static final String ECS_TASK_STATE_CHANGE = "ECS Task State Change";
    public static final String TASK_STATUS_UPDATE = "Task Status Update";
    public static final String TASK_LAUNCH_REQUESTED = "Task Launch Requested";
    public static final String TASK_STOP_REQUESTED = "Task Stop Requested";

    public static final String TASK_STATE_CHANGED = "Task State Changed";
    public static final String TASK_TRANSITION_REJECTED = "Task Transition Rejected";

    private EventTypes() {
    }
}
