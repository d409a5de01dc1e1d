package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.UNREACHABLE;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.tasklife.domain.TaskEvent.AgentStatusUpdate;
import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.LaunchRequest;
import dev.tasklife.domain.TaskEvent.StatusChange;
import dev.tasklife.domain.TaskEvent.StepCompleted;
import dev.tasklife.domain.TaskEvent.StopRequest;
import dev.tasklife.domain.TaskEvent.SweepFinding;

/**
 * The lifecycle rules of lifecycle.md, as the service applies them to one event: which phase the event asks for
 * ({@link RequestedPhase}), whether it comes in order ({@link SourceOrder}), whether the record may go there and
 * what comes with it ({@link AllowedMoves}, {@link StopPath}, {@link MarathonHandling}), and the events that need
 * the record ({@link StepCompletions}, {@link SweepFindings}).
 *
 * <p>Most events are first tried as a <em>blind</em> conditional write ({@link #firstAttempt}), which needs no
 * read: its condition names the allowed predecessors of the target phase, the event's source order, and what it
 * assumed about the record. Only when that condition fails is the record, as the failed write returned it, used to
 * {@link #decide} what the event means: a duplicate, a stale report, no change, an illegal move, or a write guarded
 * by the exact version seen.
 *
 * <p>Every time written (history, tombstones, the sweep index) is the service's clock: event times only order
 * reports from one source.
 */
public final class Lifecycle {

    /** Where a stop request is recorded without a read: it waits there, and nothing else is due. */
    private static final Set<Phase> STOP_RECORDED_BLIND = EnumSet.copyOf(StopPath.REQUEST_WAITS_IN.stream()
            .filter(phase -> phase != Phase.STOPPING).toList());

    private final LifecyclePolicy policy;
    private final Clock clock;
    private final AllowedMoves moves;
    private final StepCompletions stepCompletions;
    private final SweepFindings sweepFindings;
    private final Comebacks comebacks;

    /** Replacement ids are random: nobody can take a replacement's id before it is created. */
    public Lifecycle(LifecyclePolicy policy, Clock clock) {
        this(policy, clock, UUID::randomUUID);
    }

    public Lifecycle(LifecyclePolicy policy, Clock clock, Supplier<UUID> replacementIds) {
        this.policy = policy;
        this.clock = clock;
        MarathonHandling marathon = new MarathonHandling(policy, replacementIds);
        this.moves = new AllowedMoves(marathon);
        this.stepCompletions = new StepCompletions(moves, clock);
        this.sweepFindings = new SweepFindings(policy, clock, moves, marathon);
        this.comebacks = new Comebacks(moves);
    }

    public LifecyclePolicy policy() {
        return policy;
    }

    /**
     * The write to try before anything is known about the record, or null when the event cannot be applied
     * without the record (step completions, sweep findings).
     */
    public TaskChange firstAttempt(TaskEvent event) {
        return switch (event) {
            case StatusChange change -> blindAttempt(change);
            case StepCompleted step -> null;
            case SweepFinding finding -> null;
        };
    }

    private TaskChange blindAttempt(StatusChange event) {
        TaskChange.Builder fields = fieldsOf(event);
        return switch (event) {
            case EcsStateChange ecs -> {
                Set<Assumption> assumed = EnumSet.of(Assumption.NOT_AGENT_TASK);
                if (ecs.lastStatus() == STOPPED && ecs.stopCode() == null) {
                    // Without a stop code of its own, a stop code noticed earlier would decide the outcome.
                    assumed.add(Assumption.NO_STOP_CODE_RECORDED);
                    fields.outcomeUnlessSet(Outcome.UNKNOWN, ecs.stoppedReason());
                }
                if (MarathonHandling.mayBeReplaced(ecs.lastStatus(), fields.build().outcome())) {
                    assumed.add(Assumption.NOT_REPLACED_ON_FAILURE);
                }
                if (ecs.lastStatus() == STOPPED) {
                    assumed.add(Assumption.NOT_EXPUNGED);
                }
                yield fields.move(ecs.lastStatus(), new Guard(true, TransitionTable.predecessorsOf(ecs.lastStatus()),
                        null, assumed)).build();
            }
            case AgentStatusUpdate agent -> {
                Phase target = RequestedPhase.reported(agent);
                yield fields.move(target, new Guard(true, blindPredecessors(agent.state(), target), null,
                        agentAssumptions(agent.state()))).build();
            }
            case LaunchRequest launch -> fields.move(RequestedPhase.ofLaunch(launch.steps()),
                    new Guard(true, Set.of(), null, Set.of())).build();
            // Where the stop only records the wish, one write does; a running task fails this and moves, and an agent
            // task already STOPPING is decided on its record (its kill is requested).
            case StopRequest stop -> fields.move(null, new Guard(true, STOP_RECORDED_BLIND, null, Set.of())).build();
        };
    }

    /**
     * The phases from which an agent's report moves a task to {@code target} whatever else the record holds (the
     * assumptions hold the rest): the allowed predecessors where the rules lead the report there. A report that moves
     * a task into PENDING is always decided on the record: whether the launch timer starts depends on it.
     */
    private static Set<Phase> blindPredecessors(AgentState state, Phase target) {
        if (target == Phase.PENDING) {
            return Set.of();
        }
        Set<Phase> phases = EnumSet.noneOf(Phase.class);
        for (Phase from : TransitionTable.predecessorsOf(target)) {
            if (RequestedPhase.ofAgentState(state, from, Set.of(), false) == target) {
                phases.add(from);
            }
        }
        return phases;
    }

    /**
     * What the event means for the record as it is.
     *
     * @param tasks reads the other tasks the decision depends on: those standing in for a service task that
     *     comes back ({@link Comebacks})
     */
    public Decision decide(TaskEvent event, TaskRecord current, TaskLookup tasks) {
        Decision seenPast = SourceOrder.duplicateOrStale(event, current);
        if (seenPast != null) {
            return seenPast;
        }
        return switch (event) {
            case StatusChange change -> statusChange(change, current, tasks);
            case StepCompleted step -> stepCompletions.decide(step, current);
            case SweepFinding finding -> sweepFindings.decide(finding, current);
        };
    }

    private Decision statusChange(StatusChange event, TaskRecord current, TaskLookup tasks) {
        Decision.Refuse foreign = Ownership.refusal(event, current);
        if (foreign != null) {
            return foreign;
        }
        if (current.lastStatus() == STOPPED) {
            return AllowedMoves.outOfStopped(event, current);
        }
        if (event instanceof LaunchRequest && current.taskArn() != null) {
            // A launch asks a known task for no phase: only its settings, which an ECS task cannot take.
            return new Decision.Reject(null, "task " + current.taskId() + " is an ECS task: a launch cannot give"
                    + " it a service or steps", false);
        }
        TaskChange.Builder fields = fieldsOf(event);
        if (event instanceof AgentStatusUpdate agent && MarathonHandling.comesBackReplaced(current, agent.state())) {
            return comebacks.decide(fields, current, agent, tasks);
        }
        if (event instanceof EcsStateChange ecs && ecs.lastStatus() == STOPPED && ecs.stopCode() == null) {
            // A stop code noticed while the task still ran (a Spot termination notice) says why it stopped.
            fields.outcomeUnlessSet(EcsStateChange.outcomeOf(current.stopCode(), false),
                    ecs.stoppedReason() != null ? ecs.stoppedReason() : current.stopReason());
        }
        Phase from = current.lastStatus();
        Phase target = RequestedPhase.of(event, current);
        if (from == null && target != null) {
            // The record holds only a stop request so far: the event gives it its first phase.
            return new Decision.Write(moves.arrive(fields, current, target, Guard.informed(current, Set.of())));
        }
        if (target == null || target == from) {
            if (killNow(event, current)) {
                fields.requestKill();
            }
            if (!fields.build().altersFieldsOf(current)) {
                return new Decision.Skip(Verdict.UNCHANGED, "task is already " + from);
            }
            Set<Phase> stay = from == null ? Set.of() : Set.of(from);
            if (event instanceof AgentStatusUpdate agent && agent.uuid() == null) {
                // A report without uuid that moves nothing (a reconciliation answer, every few minutes for the
                // task's whole life) is ordered by its timestamp alone: keeping its key would only grow the item.
                fields.forgetKey();
            }
            return new Decision.Write(fields.move(null, Guard.informed(current, stay)).build());
        }
        return moves.moveOrReject(fields, current, target);
    }

    /**
     * Whether an event that moves nothing asks for the agent task's kill now (lifecycle.md, "Every wait has a timer"):
     * a live report of a task that must not run, or a stop request for one already STOPPING; at most once per
     * {@code killRetrySeconds}. Only once the task is deregistered (STOPPING, DEPROVISIONING): one still in a step
     * (activating, deactivating) reaches STOPPING after it, and is killed there. ECS kills its own tasks.
     */
    private boolean killNow(StatusChange event, TaskRecord current) {
        Phase phase = current.lastStatus();
        if (current.isEcsTask() || (phase != Phase.STOPPING && phase != Phase.DEPROVISIONING)
                || !policy.killDue(current, clock.instant())) {
            return false;
        }
        return switch (event) {
            case AgentStatusUpdate agent -> agent.state().isLive() && current.mustNotRun();
            case StopRequest stop -> phase == Phase.STOPPING;
            case EcsStateChange ecs -> false;
            case LaunchRequest launch -> false;
        };
    }

    private static Set<Assumption> agentAssumptions(AgentState state) {
        Set<Assumption> assumed = EnumSet.of(Assumption.NOT_ECS_TASK);
        if (state.isLive()) {
            // A live report of a task that must not run starts its stop path, or asks for its kill.
            assumed.add(Assumption.NO_STOP_REQUESTED);
            assumed.add(Assumption.NOT_ENDED);
        }
        if (state == AgentState.RUNNING) {
            assumed.add(Assumption.NO_ACTIVATION_STEP);
            // A task replaced while UNREACHABLE that reports in leaves one instance too many: decided on the record.
            assumed.add(Assumption.NOT_REPLACED);
        }
        if (state == AgentState.KILLING) {
            assumed.add(Assumption.NO_DEACTIVATION_STEP);
            // A task wanted STOPPED that enters STOPPING gets its kill requested: decided on the record.
            assumed.add(Assumption.NO_STOP_REQUESTED);
        }
        if (state.isTerminal()) {
            assumed.add(Assumption.NO_DEACTIVATION_STEP);
            assumed.add(Assumption.NO_DEPROVISIONING_STEP);
            assumed.add(Assumption.NOT_EXPUNGED);
        }
        if (MarathonHandling.mayBeReplaced(state == AgentState.UNREACHABLE ? UNREACHABLE : STOPPED,
                state.outcome().orElse(null))) {
            assumed.add(Assumption.NOT_REPLACED_ON_FAILURE);
        }
        return assumed;
    }

    /** The fields an event writes, whatever the phase it leads to. */
    private TaskChange.Builder fieldsOf(StatusChange event) {
        TaskChange.Builder fields = TaskChange.of(event, clock.instant());
        switch (event) {
            case EcsStateChange ecs -> {
                fields.desired(ecs.desiredStatus()).ecsVersion(ecs.version())
                        .identity(ecs.cluster(), ecs.taskArn(), ecs.service())
                        .ecsTimes(ecs.startedAt(), ecs.stoppedAt())
                        // Kept whatever event says them first: a task first seen STOPPED keeps them too.
                        .stopCode(ecs.stopCode()).stopReason(ecs.stoppedReason());
                if (ecs.stopCode() != null && ecs.lastStatus() == STOPPED) {
                    fields.outcome(ecs.outcome(), ecs.stoppedReason());
                }
            }
            case AgentStatusUpdate agent -> {
                fields.agent(agent.state(), agent.timestampMicros());
                // An outcome decided before (a launch overdue, a failed step) is why the task ended: the agent's
                // terminal state, which follows from it, does not replace it.
                agent.state().outcome().ifPresent(outcome -> fields.outcomeUnlessSet(outcome, reasonText(agent)));
            }
            case LaunchRequest launch -> fields.desiredUnlessSet(DesiredStatus.RUNNING).launchedAt(fields.at())
                    .identity(launch.cluster(), null, launch.service())
                    .launchSettings(launch.steps(), launch.inactiveAfterSeconds(), launch.expungeAfterSeconds(),
                            launch.service() != null, launch.killSelection());
            case StopRequest stop -> fields.decommission(stop.reason());
        }
        return fields;
    }

    private static String reasonText(AgentStatusUpdate agent) {
        if (agent.message() == null) {
            return agent.reason();
        }
        return agent.reason() == null ? agent.message() : agent.reason() + ": " + agent.message();
    }
}
