package dev.tasklife.domain;

import static dev.tasklife.Fixtures.NO_OTHER_TASKS;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.record;
import static dev.tasklife.Fixtures.stepDone;
import static dev.tasklife.Fixtures.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tasklife.Fixtures;

/**
 * lifecycle.md, "Ownership": a record belongs to the kind of source that created it. An ECS task moves by ECS
 * events and stop requests, an agent task by its agent, the control plane and step workers; a report from the other
 * kind is INVALID, and a step completion counts only for a step the task asked for.
 */
class OwnershipTest {

    private static final Lifecycle LIFECYCLE = Fixtures.LIFECYCLE;

    @ParameterizedTest
    @EnumSource(AgentState.class)
    void anAgentsReportForAnEcsTaskIsRefusedWhateverItSays(AgentState state) {
        for (Phase phase : Phase.values()) {
            TaskRecord ecsTask = record("c0ffee", phase, 3).ecsVersion(4).build();
            assertInstanceOf(Decision.Refuse.class, LIFECYCLE.decide(agent("c0ffee", state, 9, "forged-" + state),
                    ecsTask, NO_OTHER_TASKS), state + " on an ECS task in " + phase);
        }
        assertTrue(LIFECYCLE.firstAttempt(agent("c0ffee", state, 9, "x")).guard().assumptions()
                .contains(Assumption.NOT_ECS_TASK), "a blind write never lands on an ECS task");
    }

    @Test
    void anEcsEventForAnAgentsTaskIsRefused() {
        TaskRecord agentTask = record("t1", Phase.RUNNING, 3).agentState(AgentState.RUNNING).build();
        assertInstanceOf(Decision.Refuse.class, LIFECYCLE.decide(ecs("t1", Phase.STOPPED, 9), agentTask,
                NO_OTHER_TASKS));
        assertTrue(LIFECYCLE.firstAttempt(ecs("t1", Phase.STOPPED, 9)).guard().assumptions()
                .contains(Assumption.NOT_AGENT_TASK));
    }

    @Test
    void aTaskKnownOnlyByAStopRequestTakesEitherKindAsItsFirstReport() {
        TaskRecord stopOnly = record("t1", null, 1).desired(DesiredStatus.STOPPED).build();
        assertInstanceOf(Decision.Write.class, LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 2), stopOnly,
                NO_OTHER_TASKS));
        assertInstanceOf(Decision.Write.class, LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 2, "r"), stopOnly,
                NO_OTHER_TASKS));
    }

    @Test
    void aStopRequestMovesAnEcsTaskToo() {
        TaskRecord ecsTask = record("c0ffee", Phase.RUNNING, 3).ecsVersion(4).build();
        assertEquals(Phase.STOPPING, assertInstanceOf(Decision.Write.class, LIFECYCLE.decide(stop("c0ffee"), ecsTask,
                NO_OTHER_TASKS)).change().moveTo());
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void aStepCompletionCountsOnlyForAStepTheTaskAskedFor(Step step) {
        TaskRecord inItsPhase = record("t1", step.phase(), 3).build();
        assertInstanceOf(Decision.Reject.class, LIFECYCLE.decide(stepDone("t1", step, true), inItsPhase,
                NO_OTHER_TASKS), "no worker was asked for " + step);
        TaskRecord ecsTask = record("e1", step.phase(), 3).ecsVersion(4).build();
        assertInstanceOf(Decision.Reject.class, LIFECYCLE.decide(stepDone("e1", step, true), ecsTask,
                NO_OTHER_TASKS), "ECS's own " + step.phase() + " waits on ECS");
    }
}
