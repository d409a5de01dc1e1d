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

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.tasklife.domain.TaskEvent.AgentStatusUpdate;
import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.LaunchRequest;
import dev.tasklife.domain.TaskEvent.StepCompleted;
import dev.tasklife.domain.TaskEvent.StopRequest;
import dev.tasklife.domain.TaskEvent.SweepFinding;

/**
 * The lifecycle rules: which phase an event asks for, whether the record may go there, and what comes with it
 * (the stop path, step routing, Marathon's expunge and replacement).
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

    /** Outcomes after which a service replaces its task (lifecycle.md, "Marathon handling"). */
    static final Set<Outcome> REPLACED_OUTCOMES = EnumSet.of(Outcome.ERROR, Outcome.FAILED, Outcome.DROPPED,
            Outcome.GONE, Outcome.GONE_BY_OPERATOR, Outcome.UNKNOWN);

    private static final Set<Phase> STOPPING_PHASES = EnumSet.of(DEACTIVATING, STOPPING, DEPROVISIONING);

    /** Phases in which a stop request only records the wish: a step or the agent has to come back first. */
    private static final Set<Phase> STOP_WAITS_IN = EnumSet.of(PROVISIONING, ACTIVATING, UNREACHABLE,
            DEACTIVATING, STOPPING, DEPROVISIONING);

    /**
     * The stop path, in order: a stopping task goes to the first phase listed that applies to it, i.e. that
     * follows the phase it is in and whose step (if any) the task has. DEACTIVATING undoes registrations made by
     * activation; STOPPING waits for the agent to kill a task it may be running; DEPROVISIONING undoes provisioning.
     */
    private record StopStep(Phase phase, Step requires, Set<Phase> follows) {
    }

    private static final List<StopStep> STOP_PATH = List.of(
            new StopStep(DEACTIVATING, Step.DEACTIVATION, EnumSet.of(ACTIVATING, RUNNING, UNREACHABLE)),
            new StopStep(STOPPING, null, EnumSet.of(PENDING, ACTIVATING, RUNNING, UNREACHABLE, DEACTIVATING)),
            new StopStep(DEPROVISIONING, Step.DEPROVISIONING,
                    EnumSet.of(PROVISIONING, PENDING, ACTIVATING, RUNNING, UNREACHABLE, DEACTIVATING, STOPPING)),
            new StopStep(STOPPED, null, EnumSet.allOf(Phase.class)));

    /** Where a step's success leads a task that is still wanted running; the other steps lead on to stop. */
    private static final Map<Step, Phase> UP_AFTER_STEP = Map.of(Step.PROVISIONING, PENDING,
            Step.ACTIVATION, RUNNING);

    private final LifecyclePolicy policy;
    private final Clock clock;
    private final Supplier<UUID> replacementIds;

    /** Replacement ids are random: nobody can take a replacement's id before it is created. */
    public Lifecycle(LifecyclePolicy policy, Clock clock) {
        this(policy, clock, UUID::randomUUID);
    }

    public Lifecycle(LifecyclePolicy policy, Clock clock, Supplier<UUID> replacementIds) {
        this.policy = policy;
        this.clock = clock;
        this.replacementIds = replacementIds;
    }

    public LifecyclePolicy policy() {
        return policy;
    }

    /**
     * The write to try before anything is known about the record, or null when the event cannot be applied
     * without the record (step completions, sweep findings).
     */
    public TaskChange firstAttempt(TaskEvent event) {
        TaskChange.Builder fields = fieldsOf(event);
        if (event instanceof EcsStateChange ecs) {
            Set<Assumption> assumed = EnumSet.noneOf(Assumption.class);
            if (ecs.lastStatus() == STOPPED && ecs.stopCode() == null) {
                // Without a stop code of its own, a stop code noticed earlier would decide the outcome.
                assumed.add(Assumption.NO_STOP_CODE_RECORDED);
                fields.outcomeUnlessSet(Outcome.UNKNOWN, ecs.stoppedReason());
            }
            if (mayBeReplaced(ecs.lastStatus(), fields.build().outcome())) {
                assumed.add(Assumption.NOT_REPLACED_ON_FAILURE);
            }
            return fields.move(ecs.lastStatus(), blind(ecs.lastStatus(), assumed)).build();
        }
        if (event instanceof AgentStatusUpdate agent) {
            Phase target = agentTarget(agent.state(), Set.of(), null, DesiredStatus.RUNNING);
            return fields.move(target, blind(target, agentAssumptions(agent.state()))).build();
        }
        if (event instanceof LaunchRequest launch) {
            return fields.move(launchPhase(launch.steps()), new Guard(true, Set.of(), null, Set.of())).build();
        }
        if (event instanceof StopRequest) {
            // Where the stop only records the wish, one write does; a running task fails this and moves.
            return fields.move(null, new Guard(true, STOP_WAITS_IN, null, Set.of())).build();
        }
        return null;
    }

    /** What the event means for the record as it is. */
    public Decision decide(TaskEvent event, TaskRecord current) {
        if (current.appliedKeys().contains(event.dedupeKey())) {
            return new Decision.Skip(Verdict.DUPLICATE, "event " + event.dedupeKey() + " was applied before");
        }
        Decision outOfOrder = sourceOrder(event, current);
        if (outOfOrder != null) {
            return outOfOrder;
        }
        if (event instanceof SweepFinding finding) {
            return sweep(finding, current);
        }
        if (event instanceof StepCompleted step) {
            return stepCompleted(step, current);
        }
        if (current.lastStatus() == STOPPED) {
            return whenStopped(event, current);
        }
        if (event instanceof LaunchRequest && current.taskArn() != null) {
            // A launch asks a known task for no phase: only its settings, which an ECS task cannot take.
            return new Decision.Reject(null, "task " + current.taskId() + " is an ECS task: a launch cannot give"
                    + " it a service or steps", false);
        }
        TaskChange.Builder fields = fieldsOf(event);
        if (event instanceof EcsStateChange ecs && ecs.lastStatus() == STOPPED && ecs.stopCode() == null) {
            // A stop code noticed while the task still ran (a Spot termination notice) says why it stopped.
            fields.outcomeUnlessSet(EcsStateChange.outcomeOf(current.stopCode(), false),
                    ecs.stoppedReason() != null ? ecs.stoppedReason() : current.stopReason());
        }
        Phase from = current.lastStatus();
        Phase target = targetOf(event, current);
        if (from == null && target != null) {
            // The record holds only a stop request so far: the event gives it its first phase.
            return new Decision.Write(arrive(fields, current, target, Guard.informed(current, Set.of())));
        }
        if (target == null || target == from) {
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
        return moveOrReject(fields, current, target);
    }

    /**
     * STOPPED is final. A live report from a stopped task means it runs unaccounted for (it came back after it
     * was expunged, or after it was recorded stopped): rejected, and the task is to be killed. Any other move out
     * is rejected; a report or request that agrees with STOPPED changes nothing.
     */
    private static Decision whenStopped(TaskEvent event, TaskRecord current) {
        String task = current.isExpunged() ? "task is expunged" : "task is STOPPED";
        Phase reported = reportedPhase(event);
        if (reported != null && reported.compareTo(RUNNING) <= 0) {
            return new Decision.Reject(reported, task + " but reported " + reported + ": it is to be killed", true);
        }
        if (reported == null || reported == STOPPED) {
            return new Decision.Skip(Verdict.UNCHANGED, task + " already");
        }
        return new Decision.Reject(reported, "STOPPED -> " + reported + " is not an allowed move (" + task + ")",
                false);
    }

    /** The phase a report states by itself, without the record's steps; null for a request. */
    private static Phase reportedPhase(TaskEvent event) {
        if (event instanceof EcsStateChange ecs) {
            return ecs.lastStatus();
        }
        if (event instanceof AgentStatusUpdate agent) {
            return agentTarget(agent.state(), Set.of(), null, DesiredStatus.RUNNING);
        }
        return null;
    }

    private Decision moveOrReject(TaskChange.Builder fields, TaskRecord current, Phase target) {
        if (!TransitionTable.isAllowed(current.lastStatus(), target)) {
            return new Decision.Reject(target, current.lastStatus() + " -> " + target + " is not an allowed move",
                    false);
        }
        return new Decision.Write(arrive(fields, current, target,
                Guard.informed(current, TransitionTable.predecessorsOf(target))));
    }

    /**
     * The move into {@code target} with what arriving there brings: an outcome for a task that stops without one,
     * and for a task a service replaces, Marathon's expunge and replacement.
     */
    private TaskChange arrive(TaskChange.Builder fields, TaskRecord current, Phase target, Guard guard) {
        fields.move(target, guard);
        TaskChange draft = fields.build();
        if (target == STOPPED && draft.outcome() == null && current.outcome() == null) {
            if (current.stopCode() != null) {
                // A stop code noticed while the task still ran (a Spot termination notice) says why it stopped.
                fields.outcomeUnlessSet(EcsStateChange.outcomeOf(current.stopCode(), false), current.stopReason());
            } else {
                boolean requested = current.desiredStatus() == DesiredStatus.STOPPED
                        || draft.desiredStatus() == DesiredStatus.STOPPED;
                fields.outcomeUnlessSet(requested ? Outcome.STOPPED_BY_REQUEST : Outcome.UNKNOWN, draft.outcomeReason());
            }
        }
        Outcome outcome = draft.outcome() != null ? draft.outcome() : current.outcome();
        if (current.replaceOnFailure() && target == STOPPED && REPLACED_OUTCOMES.contains(outcome)) {
            fields.expunge(tombstoneUntil(draft));
            requestReplacement(fields, current, draft);
        }
        if (current.replaceOnFailure() && target == UNREACHABLE && policy.inactiveAfterSeconds(current) == 0) {
            requestReplacement(fields, current, draft);
        }
        return fields.build();
    }

    private void requestReplacement(TaskChange.Builder fields, TaskRecord current, TaskChange cause) {
        if (current.replacedBy() != null) {
            return; // requested before (the task went UNREACHABLE first)
        }
        String replacementId = replacementId(current.service());
        TaskChange creation = new TaskChange.Builder(replacementId, cause.cause(), "replacement-of:"
                + current.taskId(), cause.at())
                .move(launchPhase(current.steps()), new Guard(true, Set.of(), null, Set.of()))
                .desired(DesiredStatus.RUNNING)
                .identity(current.cluster(), null, current.service())
                .launchSettings(current.steps(), current.inactiveAfterSeconds(), current.expungeAfterSeconds(), true)
                .replacementOf(current.taskId())
                .build();
        fields.replacedBy(creation);
    }

    /**
     * A new id for the task that replaces one of {@code service}, shaped as Marathon names tasks,
     * {@code service.uuid}. It is random, so it cannot be taken in advance; a retry decides again and either finds
     * the replacement made (the link is on the record) or makes one with a new id.
     */
    private String replacementId(String service) {
        String safe = service.replaceAll("[^A-Za-z0-9_-]", "_");
        return safe.substring(0, Math.min(safe.length(), 64)) + "." + replacementIds.get();
    }

    private long tombstoneUntil(TaskChange change) {
        return change.at().getEpochSecond() + policy.tombstoneSeconds();
    }

    private Decision stepCompleted(StepCompleted event, TaskRecord current) {
        Phase target = afterStep(event, current);
        if (current.lastStatus() != event.step().phase()) {
            return new Decision.Skip(Verdict.STALE, target, "step " + event.step() + " completed but the task is "
                    + current.lastStatus());
        }
        TaskChange.Builder fields = TaskChange.of(event, clock.instant());
        if (!event.succeeded()) {
            failStep(fields, current, event.step() + " failed"
                    + (event.reason() == null ? "" : ": " + event.reason()));
        }
        return moveOrReject(fields, current, target);
    }

    /**
     * Where a step's completion leads a task in the step's phase: a success up, while the task is wanted running
     * and the step leads up; anything else on along the stop path.
     */
    private static Phase afterStep(StepCompleted event, TaskRecord current) {
        Phase up = UP_AFTER_STEP.get(event.step());
        boolean wantedRunning = current.desiredStatus() != DesiredStatus.STOPPED;
        return event.succeeded() && wantedRunning && up != null ? up
                : stopPath(event.step().phase(), current.steps());
    }

    /**
     * What a failed or timed-out step writes besides the move on along the stop path: a task on its way up stops
     * with outcome FAILED and is no longer wanted running; a task already stopping is forced on. Either way the
     * reason is kept.
     */
    private static void failStep(TaskChange.Builder fields, TaskRecord current, String reason) {
        Phase phase = current.lastStatus();
        boolean goingUp = phase == PROVISIONING || phase == ACTIVATING;
        if (goingUp && current.outcome() != null) {
            fields.outcomeUnlessSet(Outcome.FAILED, reason);
        } else {
            fields.outcome(goingUp ? Outcome.FAILED : current.outcome(), reason);
        }
        if (goingUp) {
            fields.desired(DesiredStatus.STOPPED);
        }
    }

    private Decision sweep(SweepFinding finding, TaskRecord current) {
        if (current.lastStatus() != finding.phase() || current.version() != finding.version()) {
            return new Decision.Skip(Verdict.UNCHANGED, "task moved on since the sweep found it "
                    + finding.phase() + " (now " + current.lastStatus() + ")");
        }
        if (!sweepable(finding.finding(), current)) {
            // A finding that does not fit the record (not one the sweep index gives) has nothing to act on.
            return new Decision.Skip(Verdict.UNCHANGED, "nothing to sweep: " + finding.finding() + " on a task "
                    + current.lastStatus());
        }
        TaskChange.Builder fields = TaskChange.of(finding, clock.instant());
        return switch (finding.finding()) {
            case UNREACHABLE_EXPIRED -> {
                fields.agentState(AgentState.UNKNOWN).outcome(Outcome.UNKNOWN, "unreachable for more than "
                        + policy.expungeAfterSeconds(current) + " s");
                TaskChange draft = fields.move(STOPPED, Guard.informed(current, Set.of(UNREACHABLE))).build();
                // Every task unreachable too long is expunged, not only those a service replaces.
                fields.expunge(tombstoneUntil(draft));
                if (current.replaceOnFailure()) {
                    requestReplacement(fields, current, draft);
                }
                yield new Decision.Write(fields.build());
            }
            case REPLACEMENT_DUE -> {
                if (!current.replaceOnFailure() || current.replacedBy() != null) {
                    yield new Decision.Skip(Verdict.UNCHANGED, "no replacement to request");
                }
                TaskChange noMove = fields.move(null, Guard.informed(current, Set.of(UNREACHABLE))).build();
                requestReplacement(fields, current, noMove);
                yield new Decision.Write(fields.build());
            }
            case STEP_TIMED_OUT -> {
                failStep(fields, current, finding.phase() + " timed out after " + policy.stepTimeoutSeconds()
                        + " s");
                yield moveOrReject(fields, current, stopPath(current.lastStatus(), current.steps()));
            }
            case TOMBSTONE_DUE -> new Decision.Write(fields.compactTombstone()
                    .move(null, Guard.informed(current, Set.of(STOPPED))).build());
        };
    }

    private static boolean sweepable(SweepFinding.Finding finding, TaskRecord task) {
        return switch (finding) {
            case UNREACHABLE_EXPIRED, REPLACEMENT_DUE -> task.lastStatus() == UNREACHABLE;
            case STEP_TIMED_OUT -> {
                Step step = task.lastStatus() == null ? null : Step.runningIn(task.lastStatus());
                yield step != null && task.steps().contains(step);
            }
            case TOMBSTONE_DUE -> task.lastStatus() == STOPPED && task.tombstoneUntil() != null;
        };
    }

    /** The first phase of the stop path for a task in {@code from}; STOPPED, which ends every path, at the latest. */
    static Phase stopPath(Phase from, Set<Step> steps) {
        return STOP_PATH.stream()
                .filter(step -> step.follows().contains(from))
                .filter(step -> step.requires() == null || steps.contains(step.requires()))
                .findFirst().orElseThrow().phase();
    }

    /**
     * Where an agent state puts the task (lifecycle.md, "Agent states map onto the phase"). Activation runs only
     * on the way up: a task coming back from UNREACHABLE is RUNNING again, and one already activating stays so.
     * A task reported running after a stop was requested starts its stop path instead.
     */
    static Phase agentTarget(AgentState state, Set<Step> steps, Phase current, DesiredStatus desired) {
        switch (state) {
            case STAGING:
            case STARTING:
                return PENDING;
            case RUNNING:
                if (current == ACTIVATING || STOPPING_PHASES.contains(current)) {
                    return current; // the activation step, or the stop under way, decides what comes next
                }
                if (desired == DesiredStatus.STOPPED && current != null) {
                    return stopPath(current == PROVISIONING ? PENDING : current, steps);
                }
                boolean onTheWayUp = current == null || TransitionTable.isAllowed(current, ACTIVATING);
                return steps.contains(Step.ACTIVATION) && onTheWayUp ? ACTIVATING : RUNNING;
            case KILLING:
                return STOPPING;
            case UNREACHABLE:
                return UNREACHABLE;
            default:
                return steps.contains(Step.DEPROVISIONING) ? DEPROVISIONING : STOPPED;
        }
    }

    private static Set<Assumption> agentAssumptions(AgentState state) {
        Set<Assumption> assumed = EnumSet.noneOf(Assumption.class);
        if (state == AgentState.RUNNING) {
            assumed.add(Assumption.NO_ACTIVATION_STEP);
            assumed.add(Assumption.NO_STOP_REQUESTED);
        }
        if (state.isTerminal()) {
            assumed.add(Assumption.NO_DEPROVISIONING_STEP);
        }
        if (mayBeReplaced(state == AgentState.UNREACHABLE ? UNREACHABLE : STOPPED, state.outcome().orElse(null))) {
            assumed.add(Assumption.NOT_REPLACED_ON_FAILURE);
        }
        return assumed;
    }

    /** Whether a task a service replaces would be expunged or replaced by this move. */
    private static boolean mayBeReplaced(Phase target, Outcome outcome) {
        return target == UNREACHABLE || (target == STOPPED && outcome != null && REPLACED_OUTCOMES.contains(outcome));
    }

    private static Phase launchPhase(Set<Step> steps) {
        return steps.contains(Step.PROVISIONING) ? PROVISIONING : PENDING;
    }

    /** The phase the event asks for on this record, or null when it asks for none. */
    private static Phase targetOf(TaskEvent event, TaskRecord current) {
        Phase from = current.lastStatus();
        if (event instanceof EcsStateChange ecs) {
            return ecs.lastStatus();
        }
        if (event instanceof AgentStatusUpdate agent) {
            return agentTarget(agent.state(), current.steps(), from, current.desiredStatus());
        }
        if (event instanceof LaunchRequest launch) {
            // A launch gives a phase only to a task not seen before; later it can only add its settings.
            return from == null ? launchPhase(launch.steps()) : null;
        }
        // A stop request: a task that is pending or running starts its stop path now; elsewhere it waits.
        return from == null || STOP_WAITS_IN.contains(from) || from == STOPPED ? null : stopPath(from, current.steps());
    }

    private static Decision sourceOrder(TaskEvent event, TaskRecord current) {
        if (event instanceof EcsStateChange ecs && current.ecsVersion() != null) {
            if (current.ecsVersion() == ecs.version()) {
                return new Decision.Skip(Verdict.DUPLICATE, "ECS version " + ecs.version() + " was applied before");
            }
            if (current.ecsVersion() > ecs.version()) {
                return new Decision.Skip(Verdict.STALE, ecs.lastStatus(),
                        "ECS version " + ecs.version() + " is older than " + current.ecsVersion());
            }
        }
        if (event instanceof AgentStatusUpdate agent && current.agentTimestampMicros() != null
                && current.agentTimestampMicros() > agent.timestampMicros()) {
            return new Decision.Skip(Verdict.STALE, reportedPhase(agent), "agent update of " + agent.timestampMicros()
                    + " is older than " + current.agentTimestampMicros());
        }
        return null;
    }

    private static Guard blind(Phase target, Set<Assumption> assumptions) {
        return new Guard(true, TransitionTable.predecessorsOf(target), null, assumptions);
    }

    /** The fields an event writes, whatever the phase it leads to. */
    private TaskChange.Builder fieldsOf(TaskEvent event) {
        TaskChange.Builder fields = TaskChange.of(event, clock.instant());
        if (event instanceof EcsStateChange ecs) {
            fields.desired(ecs.desiredStatus()).ecsVersion(ecs.version())
                    .identity(ecs.cluster(), ecs.taskArn(), ecs.service());
            if (ecs.stopCode() != null && ecs.lastStatus() == STOPPED) {
                fields.outcome(ecs.outcome(), ecs.stoppedReason());
            } else if (ecs.stopCode() != null) {
                // An outcome belongs to a STOPPED task: until then the stop code (a Spot notice) is only kept.
                fields.stopCode(ecs.stopCode()).stopReason(ecs.stoppedReason());
            }
        } else if (event instanceof AgentStatusUpdate agent) {
            fields.agent(agent.state(), agent.timestampMicros());
            agent.state().outcome().ifPresent(outcome -> fields.outcome(outcome, reasonText(agent)));
        } else if (event instanceof LaunchRequest launch) {
            fields.desiredUnlessSet(DesiredStatus.RUNNING)
                    .identity(launch.cluster(), null, launch.service())
                    .launchSettings(launch.steps(), launch.inactiveAfterSeconds(), launch.expungeAfterSeconds(),
                            launch.service() != null);
        } else if (event instanceof StopRequest stop) {
            fields.desired(DesiredStatus.STOPPED).stopReason(stop.reason());
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
