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
 * The stop path (lifecycle.md, "Undo steps run however a task ends"): DEACTIVATING, STOPPING, DEPROVISIONING,
 * STOPPED, each taken only where it applies to the task, whatever ended it. The undo steps run for every task whose
 * step may have done something; STOPPING, which waits for the agent to kill the task, is skipped when the agent is
 * gone already.
 */
final class StopPath {

    /** Phases in which a stop request only records the wish: a step or the agent has to come back first. */
    static final Set<Phase> REQUEST_WAITS_IN = EnumSet.of(PROVISIONING, ACTIVATING, UNREACHABLE,
            DEACTIVATING, STOPPING, DEPROVISIONING);

    private static final Set<Phase> UNDER_WAY = EnumSet.of(DEACTIVATING, STOPPING, DEPROVISIONING);

    /**
     * A phase of the stop path, which a stopping task enters when it follows the phase the task is in, the task has
     * its step (if any), and (for STOPPING) the agent may still run the task. DEACTIVATING undoes registrations
     * activation made (or may have made: an UNREACHABLE task may have been activated); STOPPING waits for the agent
     * to kill the task; DEPROVISIONING undoes provisioning.
     */
    private record Stop(Phase phase, Step requires, boolean waitsOnAgent, Set<Phase> follows) {
    }

    private static final List<Stop> STOPS = List.of(
            new Stop(DEACTIVATING, Step.DEACTIVATION, false, EnumSet.of(ACTIVATING, RUNNING, UNREACHABLE)),
            new Stop(STOPPING, null, true, EnumSet.of(PENDING, ACTIVATING, RUNNING, UNREACHABLE, DEACTIVATING)),
            new Stop(DEPROVISIONING, Step.DEPROVISIONING, false,
                    EnumSet.of(PROVISIONING, PENDING, ACTIVATING, RUNNING, UNREACHABLE, DEACTIVATING, STOPPING)),
            new Stop(STOPPED, null, false, EnumSet.allOf(Phase.class)));

    private StopPath() {
    }

    /**
     * The first phase of the stop path for a task in {@code from}; STOPPED, which ends every path, at the latest.
     *
     * @param agentGone no agent is there to kill the task ({@link TaskRecord#noAgentToWaitFor}): STOPPING is skipped
     */
    static Phase next(Phase from, Set<Step> steps, boolean agentGone) {
        return STOPS.stream()
                .filter(stop -> stop.follows().contains(from))
                .filter(stop -> stop.requires() == null || steps.contains(stop.requires()))
                .filter(stop -> !(stop.waitsOnAgent() && agentGone))
                .findFirst().orElseThrow().phase();
    }

    /** The next phase of the stop path for this task as it is. */
    static Phase next(TaskRecord task) {
        return next(task.lastStatus(), task.steps(), task.noAgentToWaitFor());
    }

    /** Whether a task entering {@code phase} ends: a phase of the stop path, or STOPPED. */
    static boolean ends(Phase phase) {
        return UNDER_WAY.contains(phase) || phase == STOPPED;
    }

    /** Whether a task in {@code phase} is on its stop path already (false for null, a record without a phase). */
    static boolean isUnderWay(Phase phase) {
        return UNDER_WAY.contains(phase);
    }
}
