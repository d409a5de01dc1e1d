package dev.tasklife.domain;

/** What the control plane wants the task to be ({@code desiredStatus}). */
public enum DesiredStatus {
    RUNNING,
    STOPPED;

    /** ECS also reports PENDING as a desired status of a task being placed: it wants the task to run. */
    public static DesiredStatus parseEcs(String text) {
        return switch (text) {
            case "RUNNING", "PENDING" -> RUNNING;
            case "STOPPED" -> STOPPED;
            default -> throw new IllegalArgumentException("unknown desiredStatus '" + text + "'");
        };
    }
}
