package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.ACTIVATING;
import static dev.tasklife.domain.Phase.PENDING;
import static dev.tasklife.domain.Phase.PROVISIONING;
import static dev.tasklife.domain.Phase.RUNNING;
import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.STOPPING;
import static dev.tasklife.domain.Phase.UNREACHABLE;

import java.util.Set;

import dev.tasklife.domain.TaskEvent.AgentStatusUpdate;
import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.LaunchRequest;
import dev.tasklife.domain.TaskEvent.StatusChange;
import dev.tasklife.domain.TaskEvent.StopRequest;

/**
 * The phase a status change asks for (lifecycle.md, "Two vocabularies, one record"): ECS names it, an agent state
 * maps onto it, a launch starts the task, a stop request starts the stop path.
 */
final class RequestedPhase {

    private RequestedPhase() {
    }

    /** The phase the event asks for on this record, or null when it asks for none. */
    static Phase of(StatusChange event, TaskRecord current) {
        Phase from = current.lastStatus();
        return switch (event) {
            case EcsStateChange ecs -> ecs.lastStatus();
            case AgentStatusUpdate agent -> ofAgentState(agent.state(), from, current.steps(), current.mustNotRun());
            // A launch gives a phase only to a task not seen before; later it can only add its settings.
            case LaunchRequest launch -> from == null ? ofLaunch(launch.steps()) : null;
            case StopRequest stop -> ofStopRequest(current);
        };
    }

    /** A task that is pending or running starts its stop path now; elsewhere the stop waits (null). */
    static Phase ofStopRequest(TaskRecord current) {
        Phase from = current.lastStatus();
        return from == null || StopPath.REQUEST_WAITS_IN.contains(from) || from == STOPPED
                ? null : StopPath.next(current);
    }

    /** The phase a report states by itself, without the record's steps; null for a request. */
    static Phase reported(StatusChange event) {
        return switch (event) {
            case EcsStateChange ecs -> ecs.lastStatus();
            case AgentStatusUpdate agent -> ofAgentState(agent.state(), null, Set.of(), false);
            case LaunchRequest launch -> null;
            case StopRequest stop -> null;
        };
    }

    /**
     * Where an agent state puts the task (lifecycle.md, "Agent states map onto the phase", "Undo steps run however a
     * task ends"). A task in a step phase, or on its stop path, stays there: the step, or the stop under way, decides
     * what comes next. Otherwise a task the agent kills, or that ended, goes down its stop path (past STOPPING when the
     * agent is gone); a live task that must not run (wanted STOPPED, or ended) starts its stop path, also before its
     * first report; activation runs only on the way up.
     *
     * @param current the phase the task is in; null when it has none yet (no record, or only a stop request)
     * @param mustNotRun the task is wanted STOPPED, or ended already
     */
    static Phase ofAgentState(AgentState state, Phase current, Set<Step> steps, boolean mustNotRun) {
        boolean staysPut = current == ACTIVATING || current == PROVISIONING || StopPath.isUnderWay(current)
                || current == STOPPED;
        return switch (state) {
            case STAGING, STARTING, RUNNING -> live(state, current, steps, mustNotRun);
            case KILLING -> current == null ? STOPPING : staysPut ? current : StopPath.next(current, steps, false);
            case UNREACHABLE -> UNREACHABLE;
            case ERROR, FAILED, DROPPED, GONE, GONE_BY_OPERATOR, FINISHED, UNKNOWN, KILLED -> current == null
                    // a first report that the task ended: as for a task that never got further than PENDING
                    ? StopPath.next(PENDING, steps, true)
                    : staysPut && current != STOPPING ? current : StopPath.next(current, steps, true);
        };
    }

    private static Phase live(AgentState state, Phase current, Set<Step> steps, boolean mustNotRun) {
        if (mustNotRun) {
            if (current == ACTIVATING || StopPath.isUnderWay(current) || current == STOPPED) {
                return current; // the activation step, or the stop under way, decides what comes next
            }
            return StopPath.next(current == null || current == PROVISIONING ? PENDING : current, steps, false);
        }
        if (state != AgentState.RUNNING) {
            return PENDING;
        }
        if (current == ACTIVATING || StopPath.isUnderWay(current)) {
            return current;
        }
        boolean onTheWayUp = current == null || TransitionTable.isAllowed(current, ACTIVATING);
        return steps.contains(Step.ACTIVATION) && onTheWayUp ? ACTIVATING : RUNNING;
    }

    /** The first phase of a launched task: provisioning when it has an interface to attach. */
    static Phase ofLaunch(Set<Step> steps) {
        return steps.contains(Step.PROVISIONING) ? PROVISIONING : PENDING;
    }
}
