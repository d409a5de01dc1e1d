package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.ACTIVATING;
import static dev.tasklife.domain.Phase.PENDING;
import static dev.tasklife.domain.Phase.PROVISIONING;
import static dev.tasklife.domain.Phase.RUNNING;

import java.time.Clock;
import java.util.Map;

import dev.tasklife.domain.TaskEvent.StepCompleted;

/**
 * {@code Task Step Completed} (lifecycle.md, "Events in"): a control-plane step done leads the task on, up while
 * it is wanted running, else down its stop path; a failed step stops it.
 */
final class StepCompletions {

    /** Where a step's success leads a task that is still wanted running; the other steps lead on to stop. */
    private static final Map<Step, Phase> UP_AFTER_STEP = Map.of(Step.PROVISIONING, PENDING,
            Step.ACTIVATION, RUNNING);

    private final AllowedMoves moves;
    private final Clock clock;

    StepCompletions(AllowedMoves moves, Clock clock) {
        this.moves = moves;
        this.clock = clock;
    }

    Decision decide(StepCompleted event, TaskRecord current) {
        Phase target = afterStep(event, current);
        if (!current.steps().contains(event.step())) {
            // Only a step the task asked for at launch is awaited: no worker was asked for this one.
            return new Decision.Reject(target, "step " + event.step() + " completed but task " + current.taskId()
                    + " asked for no such step", false);
        }
        if (current.lastStatus() != event.step().phase()) {
            return new Decision.Skip(Verdict.STALE, target, "step " + event.step() + " completed but the task is "
                    + current.lastStatus());
        }
        TaskChange.Builder fields = TaskChange.of(event, clock.instant());
        if (!event.succeeded()) {
            fail(fields, current, event.step() + " failed" + (event.reason() == null ? "" : ": " + event.reason()));
        }
        return moves.moveOrReject(fields, current, target);
    }

    /**
     * The phase a step's completion requests, where it leads a task in the step's phase: a success up, while the
     * task is wanted running, its agent neither killing it nor gone, and the step leads up; anything else on along
     * the stop path.
     */
    private static Phase afterStep(StepCompleted event, TaskRecord current) {
        Phase up = UP_AFTER_STEP.get(event.step());
        boolean agentEnding = current.agentState() == AgentState.KILLING || current.agentGone();
        boolean goesUp = event.succeeded() && !current.mustNotRun() && !agentEnding && up != null;
        return goesUp ? up : StopPath.next(event.step().phase(), current.steps(), current.noAgentToWaitFor());
    }

    /**
     * What a failed or timed-out step writes besides the move on along the stop path: a task on its way up stops
     * with outcome FAILED and is no longer wanted running; a task already stopping is forced on. Either way the
     * reason is kept.
     */
    static void fail(TaskChange.Builder fields, TaskRecord current, String reason) {
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
}
