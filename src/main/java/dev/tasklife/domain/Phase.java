package dev.tasklife.domain;

import java.util.Arrays;
import java.util.List;

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

    /** The eight ECS phases in their forward order: the declaration order without UNREACHABLE. */
    public static final List<Phase> LIFECYCLE_ORDER = Arrays.stream(values()).filter(phase -> phase != UNREACHABLE)
            .toList();

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
