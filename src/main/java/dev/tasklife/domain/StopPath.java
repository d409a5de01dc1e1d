package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.ACTIVATING;
import static dev.tasklife.domain.Phase.DEACTIVATING;
import static dev.tasklife.domain.Phase.DEPROVISIONING;
import static dev.tasklife.domain.Phase.PENDING;
import static dev.tasklife.domain.Phase.PROVISIONING;
import static dev.tasklife.domain.Phase.RUNNING;
import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.STOPPING;
import static dev.tasklife.domain.Phase.UNREACHABLE;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The stop path (lifecycle.md, "Two vocabularies, one record"): DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED,
 * each taken only where it applies to the task.
 */
final class StopPath {

    /** Phases in which a stop request only records the wish: a step or the agent has to come back first. */
    static final Set<Phase> REQUEST_WAITS_IN = EnumSet.of(PROVISIONING, ACTIVATING, UNREACHABLE,
            DEACTIVATING, STOPPING, DEPROVISIONING);

    private static final Set<Phase> UNDER_WAY = EnumSet.of(DEACTIVATING, STOPPING, DEPROVISIONING);

    /**
     * A phase of the stop path, which a stopping task enters when it follows the phase the task is in and the task
     * has its step (if any). DEACTIVATING undoes registrations made by activation; STOPPING waits for the agent to
     * kill a task it may be running; DEPROVISIONING undoes provisioning.
     */
    private record Stop(Phase phase, Step requires, Set<Phase> follows) {
    }

    private static final List<Stop> STOPS = List.of(
            new Stop(DEACTIVATING, Step.DEACTIVATION, EnumSet.of(ACTIVATING, RUNNING, UNREACHABLE)),
            new Stop(STOPPING, null, EnumSet.of(PENDING, ACTIVATING, RUNNING, UNREACHABLE, DEACTIVATING)),
            new Stop(DEPROVISIONING, Step.DEPROVISIONING,
                    EnumSet.of(PROVISIONING, PENDING, ACTIVATING, RUNNING, UNREACHABLE, DEACTIVATING, STOPPING)),
            new Stop(STOPPED, null, EnumSet.allOf(Phase.class)));

    private StopPath() {
    }

    /** The first phase of the stop path for a task in {@code from}; STOPPED, which ends every path, at the latest. */
    static Phase next(Phase from, Set<Step> steps) {
        return STOPS.stream()
                .filter(stop -> stop.follows().contains(from))
                .filter(stop -> stop.requires() == null || steps.contains(stop.requires()))
                .findFirst().orElseThrow().phase();
    }

    /** Whether a task in {@code phase} is on its stop path already (false for null, a record without a phase). */
    static boolean isUnderWay(Phase phase) {
        return UNDER_WAY.contains(phase);
    }
}
