package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.ACTIVATING;
import static dev.tasklife.domain.Phase.DEPROVISIONING;
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
            case AgentStatusUpdate agent -> ofAgentState(agent.state(), current.steps(), from,
                    current.desiredStatus());
            // A launch gives a phase only to a task not seen before; later it can only add its settings.
            case LaunchRequest launch -> from == null ? ofLaunch(launch.steps()) : null;
            case StopRequest stop -> ofStopRequest(current);
        };
    }

    /** A task that is pending or running starts its stop path now; elsewhere the stop waits (null). */
    static Phase ofStopRequest(TaskRecord current) {
        Phase from = current.lastStatus();
        return from == null || StopPath.REQUEST_WAITS_IN.contains(from) || from == STOPPED
                ? null : StopPath.next(from, current.steps());
    }

    /** The phase a report states by itself, without the record's steps; null for a request. */
    static Phase reported(StatusChange event) {
        return switch (event) {
            case EcsStateChange ecs -> ecs.lastStatus();
            case AgentStatusUpdate agent -> ofAgentState(agent.state(), Set.of(), null, DesiredStatus.RUNNING);
            case LaunchRequest launch -> null;
            case StopRequest stop -> null;
        };
    }

    /**
     * Where an agent state puts the task (lifecycle.md, "Agent states map onto the phase"). Activation runs only
     * on the way up: a task coming back from UNREACHABLE is RUNNING again, and one already activating stays so.
     * A task reported running after a stop was requested starts its stop path instead.
     */
    static Phase ofAgentState(AgentState state, Set<Step> steps, Phase current, DesiredStatus desired) {
        return switch (state) {
            case STAGING, STARTING -> PENDING;
            case RUNNING -> {
                if (current == ACTIVATING || StopPath.isUnderWay(current)) {
                    yield current; // the activation step, or the stop under way, decides what comes next
                }
                if (desired == DesiredStatus.STOPPED && current != null) {
                    yield StopPath.next(current == PROVISIONING ? PENDING : current, steps);
                }
                boolean onTheWayUp = current == null || TransitionTable.isAllowed(current, ACTIVATING);
                yield steps.contains(Step.ACTIVATION) && onTheWayUp ? ACTIVATING : RUNNING;
            }
            case KILLING -> STOPPING;
            case UNREACHABLE -> UNREACHABLE;
            case ERROR, FAILED, DROPPED, GONE, GONE_BY_OPERATOR, FINISHED, UNKNOWN, KILLED ->
                    steps.contains(Step.DEPROVISIONING) ? DEPROVISIONING : STOPPED;
        };
    }

    /** The first phase of a launched task: provisioning when it has an interface to attach. */
    static Phase ofLaunch(Set<Step> steps) {
        return steps.contains(Step.PROVISIONING) ? PROVISIONING : PENDING;
    }
}
