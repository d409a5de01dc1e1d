package dev.tasklife.domain;

/**
 * The lifecycle phase of a task ({@code lastStatus}): the eight ECS phases in their order, plus UNREACHABLE.
 * The declaration order is the forward order of the lifecycle; UNREACHABLE sits outside it.
 */
public enum Phase {
    PROVISIONING,
    PENDING,
    ACTIVATING,
    RUNNING,
    DEACTIVATING,
    STOPPING,
    DEPROVISIONING,
    STOPPED,
    UNREACHABLE;

    /** A phase in which the control plane performs a step of its own (and a step worker is awaited). */
    public boolean isStep() {
        return Step.runningIn(this) != null;
    }

    public static Phase parse(String text) {
        for (Phase phase : values()) {
            if (phase.name().equals(text)) {
                return phase;
            }
        }
        throw new IllegalArgumentException("unknown lifecycle status '" + text + "'");
    }
}
