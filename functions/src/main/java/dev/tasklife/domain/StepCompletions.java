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
        Phase stepPhase = event.step().phase();
        if (current.lastStatus() != stepPhase) {
            return new Decision.Skip(Verdict.STALE, "step " + event.step() + " completed but the task is "
                    + current.lastStatus());
        }
        TaskChange.Builder fields = TaskChange.of(event, clock.instant());
        Phase target;
        if (event.succeeded()) {
            boolean wantedRunning = current.desiredStatus() != DesiredStatus.STOPPED;
            Phase up = UP_AFTER_STEP.get(event.step());
            target = wantedRunning && up != null ? up : StopPath.next(stepPhase, current.steps());
        } else {
            target = fail(fields, current, event.step() + " failed"
                    + (event.reason() == null ? "" : ": " + event.reason()));
        }
        return moves.moveOrReject(fields, current, target);
    }

    /**
     * A failed or timed-out step: a task on its way up stops with outcome FAILED and is no longer wanted running;
     * a task already stopping is forced on along the stop path. Either way the reason is kept.
     *
     * @return the phase of the stop path the task moves to
     */
    static Phase fail(TaskChange.Builder fields, TaskRecord current, String reason) {
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
        return StopPath.next(phase, current.steps());
    }
}
