package dev.tasklife.domain;

import java.util.EnumSet;
import java.util.Set;

import dev.tasklife.domain.TaskEvent.AgentStatusUpdate;
import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.LaunchRequest;
import dev.tasklife.domain.TaskEvent.StopRequest;

/**
 * The lifecycle rules: which phase an event asks for and whether the record may go there.
 *
 * <p>An event is first tried as a <em>blind</em> conditional write ({@link #firstAttempt}), which needs no read:
 * its condition names the allowed predecessors of the target phase and the event's source order. Only when that
 * condition fails is the record, as the failed write returned it, used to {@link #decide} what the event means:
 * a duplicate, a stale report, no change, an illegal move, or a write guarded by the exact version seen.
 */
public final class Lifecycle {

    private static final Set<Phase> ALL_BUT_STOPPED = EnumSet.complementOf(EnumSet.of(Phase.STOPPED));

    private Lifecycle() {
    }

    /** The write to try before anything is known about the record: it assumes the task has no launch steps. */
    public static TaskChange firstAttempt(TaskEvent event) {
        TaskChange fields = fieldsOf(event);
        if (event instanceof EcsStateChange ecs) {
            return fields.withMove(ecs.lastStatus(), blind(ecs.lastStatus(), null));
        }
        if (event instanceof AgentStatusUpdate agent) {
            Phase target = agentTarget(agent.state(), Set.of(), null);
            return fields.withMove(target, blind(target, stepConsulted(agent.state())));
        }
        if (event instanceof LaunchRequest launch) {
            return fields.withMove(launchPhase(launch), new Guard(true, Set.of(), null, null));
        }
        // A stop request moves no phase; it only needs the task not to be over already.
        return fields.withMove(null, new Guard(true, ALL_BUT_STOPPED, null, null));
    }

    /** What the event means for the record as it is. */
    public static Decision decide(TaskEvent event, TaskRecord current) {
        if (current.appliedKeys().contains(event.dedupeKey())) {
            return new Decision.Skip(Verdict.DUPLICATE, "event " + event.dedupeKey() + " was applied before");
        }
        Decision outOfOrder = sourceOrder(event, current);
        if (outOfOrder != null) {
            return outOfOrder;
        }
        TaskChange fields = fieldsOf(event);
        Phase from = current.lastStatus();
        Phase target = targetOf(event, current);
        if (from == null) {
            // The record holds only a stop request so far: the event may give it its first phase.
            return new Decision.Write(fields.withMove(target, new Guard(true, Set.of(), current.version(), null)));
        }
        if (target == null || target == from) {
            // A STOPPED record is final: late reports and requests leave it as it is.
            if (from == Phase.STOPPED || !fields.altersFieldsOf(current)) {
                return new Decision.Skip(Verdict.UNCHANGED, "task is already " + from);
            }
            return new Decision.Write(fields.withMove(null, new Guard(false, Set.of(from), current.version(), null)));
        }
        if (!TransitionTable.isAllowed(from, target)) {
            return new Decision.Skip(Verdict.REJECTED, from + " -> " + target + " is not an allowed move");
        }
        return new Decision.Write(fields.withMove(target,
                new Guard(false, TransitionTable.predecessorsOf(target), current.version(), null)));
    }

    /**
     * Where an agent state puts the task (lifecycle.md, "Agent states map onto the phase"). Activation runs only
     * on the way up: a task coming back from UNREACHABLE is RUNNING again, and one already activating stays so.
     */
    static Phase agentTarget(AgentState state, Set<Step> steps, Phase current) {
        switch (state) {
            case STAGING:
            case STARTING:
                return Phase.PENDING;
            case RUNNING:
                boolean onTheWayUp = current == null || current == Phase.ACTIVATING
                        || TransitionTable.isAllowed(current, Phase.ACTIVATING);
                return steps.contains(Step.ACTIVATION) && onTheWayUp ? Phase.ACTIVATING : Phase.RUNNING;
            case KILLING:
                return Phase.STOPPING;
            case UNREACHABLE:
                return Phase.UNREACHABLE;
            default:
                return steps.contains(Step.DEPROVISIONING) ? Phase.DEPROVISIONING : Phase.STOPPED;
        }
    }

    /** The launch step whose presence changes where this agent state lands, or null. */
    private static Step stepConsulted(AgentState state) {
        if (state == AgentState.RUNNING) {
            return Step.ACTIVATION;
        }
        return state.isTerminal() ? Step.DEPROVISIONING : null;
    }

    private static Phase launchPhase(LaunchRequest launch) {
        return launch.steps().contains(Step.PROVISIONING) ? Phase.PROVISIONING : Phase.PENDING;
    }

    /** The phase the event asks for on this record, or null when it asks for none. */
    private static Phase targetOf(TaskEvent event, TaskRecord current) {
        if (event instanceof EcsStateChange ecs) {
            return ecs.lastStatus();
        }
        if (event instanceof AgentStatusUpdate agent) {
            return agentTarget(agent.state(), current.steps(), current.lastStatus());
        }
        if (event instanceof LaunchRequest launch) {
            // A launch gives a phase only to a task not seen before; later it can only add its settings.
            return current.lastStatus() == null ? launchPhase(launch) : null;
        }
        return null;
    }

    private static Decision sourceOrder(TaskEvent event, TaskRecord current) {
        if (event instanceof EcsStateChange ecs && current.ecsVersion() != null) {
            if (current.ecsVersion() == ecs.version()) {
                return new Decision.Skip(Verdict.DUPLICATE, "ECS version " + ecs.version() + " was applied before");
            }
            if (current.ecsVersion() > ecs.version()) {
                return new Decision.Skip(Verdict.STALE,
                        "ECS version " + ecs.version() + " is older than " + current.ecsVersion());
            }
        }
        if (event instanceof AgentStatusUpdate agent && current.agentTimestampMicros() != null
                && current.agentTimestampMicros() > agent.timestampMicros()) {
            return new Decision.Skip(Verdict.STALE, "agent update of " + agent.timestampMicros()
                    + " is older than " + current.agentTimestampMicros());
        }
        return null;
    }

    private static Guard blind(Phase target, Step stepAbsent) {
        return new Guard(true, TransitionTable.predecessorsOf(target), null, stepAbsent);
    }

    /** The fields an event writes, whatever the phase it leads to. */
    private static TaskChange fieldsOf(TaskEvent event) {
        if (event instanceof EcsStateChange ecs) {
            return new TaskChange(ecs.taskId(), ecs.eventId(), ecs.dedupeKey(), ecs.time(), null, null,
                    ecs.desiredStatus(), false, null, null,
                    ecs.stopCode() == null ? null : ecs.outcome(), ecs.stoppedReason(), ecs.version(),
                    ecs.cluster(), ecs.taskArn(), ecs.service(), Set.of(), null, null, null);
        }
        if (event instanceof AgentStatusUpdate agent) {
            AgentState state = agent.state();
            return new TaskChange(agent.taskId(), agent.eventId(), agent.dedupeKey(), agent.time(), null, null,
                    null, false, state, agent.timestampMicros(),
                    state.outcome().orElse(null), state.isTerminal() ? reasonText(agent) : null, null,
                    null, null, null, Set.of(), null, null, null);
        }
        if (event instanceof LaunchRequest launch) {
            return new TaskChange(launch.taskId(), launch.eventId(), launch.dedupeKey(), launch.time(), null, null,
                    DesiredStatus.RUNNING, true, null, null, null, null, null,
                    launch.cluster(), null, launch.service(), launch.steps(), launch.inactiveAfterSeconds(),
                    launch.expungeAfterSeconds(), null);
        }
        StopRequest stop = (StopRequest) event;
        return new TaskChange(stop.taskId(), stop.eventId(), stop.dedupeKey(), stop.time(), null, null,
                DesiredStatus.STOPPED, false, null, null, null, null, null,
                null, null, null, Set.of(), null, null, stop.reason());
    }

    private static String reasonText(AgentStatusUpdate agent) {
        if (agent.message() == null) {
            return agent.reason();
        }
        return agent.reason() == null ? agent.message() : agent.reason() + ": " + agent.message();
    }
}
