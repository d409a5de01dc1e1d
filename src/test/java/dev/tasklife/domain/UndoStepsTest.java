package dev.tasklife.domain;

import static dev.tasklife.Fixtures.NO_OTHER_TASKS;
import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.record;
import static dev.tasklife.Fixtures.stepDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.TaskEvent.SweepFinding;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;

/**
 * lifecycle.md, "Undo steps run however a task ends": every way out of RUNNING passes DEACTIVATING when activation
 * succeeded and DEPROVISIONING when provisioning did; a task whose agent is gone skips STOPPING; the outcome and the
 * agent state are kept through the undo steps; a service task is replaced at once.
 */
class UndoStepsTest {

    private static final Lifecycle LIFECYCLE = Fixtures.LIFECYCLE;

    /** A task that asked for every step, activated and running. */
    private static Fixtures.RecordBuilder activated(String taskId) {
        return record(taskId, Phase.RUNNING, 4).steps(Step.values()).agentState(AgentState.RUNNING)
                .agentTimestamp(T0.getEpochSecond() * 1_000_000L);
    }

    private static TaskChange write(Decision decision) {
        return assertInstanceOf(Decision.Write.class, decision).change();
    }

    @ParameterizedTest
    @EnumSource(value = AgentState.class, names = {"ERROR", "FAILED", "DROPPED", "GONE", "GONE_BY_OPERATOR",
            "FINISHED", "UNKNOWN", "KILLED"})
    void anActivatedTaskThatEndsOnItsAgentIsDeactivatedFirstKeepingWhatItsAgentSaid(AgentState terminal) {
        TaskChange change = write(LIFECYCLE.decide(agent("t1", terminal, 9, "end"), activated("t1").build(),
                NO_OTHER_TASKS));

        assertEquals(Phase.DEACTIVATING, change.moveTo(), "its registrations are undone before it stops");
        assertEquals(terminal, change.agentState());
        assertEquals(terminal.outcome().orElseThrow(), change.outcome());
    }

    @Test
    void afterDeactivatingATaskWhoseAgentIsGoneSkipsStoppingAndIsDeprovisionedWithItsOutcomeKept() {
        TaskRecord deactivating = record("t1", Phase.DEACTIVATING, 5).steps(Step.values())
                .agentState(AgentState.FAILED).outcome(Outcome.FAILED).build();
        TaskChange deactivated = write(LIFECYCLE.decide(stepDone("t1", Step.DEACTIVATION, true), deactivating,
                NO_OTHER_TASKS));
        assertEquals(Phase.DEPROVISIONING, deactivated.moveTo(), "nothing to kill: no STOPPING");
        assertNull(deactivated.outcome(), "the outcome is kept as it is");

        TaskRecord deprovisioning = record("t1", Phase.DEPROVISIONING, 6).steps(Step.values())
                .agentState(AgentState.FAILED).outcome(Outcome.FAILED).build();
        TaskChange stopped = write(LIFECYCLE.decide(stepDone("t1", Step.DEPROVISIONING, true), deprovisioning,
                NO_OTHER_TASKS));
        assertEquals(Phase.STOPPED, stopped.moveTo());
        assertNull(stopped.outcome(), "FAILED stays: the task ended failed, not by request");
    }

    @Test
    void aFailedServiceTaskIsExpungedAndReplacedAtOnceItsUndoStepsAfter() {
        TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.FAILED, 9, "end"),
                activated("t1").service("webapp").build(), NO_OTHER_TASKS));

        assertEquals(Phase.DEACTIVATING, change.moveTo());
        assertNotNull(change.replacement(), "the service does not wait for the undo steps");
        assertNotNull(change.tombstoneUntil(), "expunged when its failure is known");
    }

    @Test
    void anUnreachableActivatedTaskThatExpiresRunsItsUndoStepsPastStopping() {
        TaskRecord unreachable = record("t1", Phase.UNREACHABLE, 7).steps(Step.values()).service("webapp")
                .replacedBy("webapp.r1").build();
        TaskChange expired = write(LIFECYCLE.decide(new SweepFinding(T0.plusSeconds(901), "t1",
                Finding.UNREACHABLE_EXPIRED, Phase.UNREACHABLE, 7), unreachable, NO_OTHER_TASKS));

        assertEquals(Phase.DEACTIVATING, expired.moveTo(), "it was running, maybe registered: undo it");
        assertEquals(AgentState.UNKNOWN, expired.agentState());
        assertEquals(Outcome.UNKNOWN, expired.outcome());
        assertEquals(DesiredStatus.STOPPED, expired.desiredStatus(), "should it come back, it is killed");
        assertNotNull(expired.tombstoneUntil(), "expunged now, stopped once its undo steps ran");

        TaskRecord deactivating = record("t1", Phase.DEACTIVATING, 8).steps(Step.values())
                .agentState(AgentState.UNKNOWN).outcome(Outcome.UNKNOWN).desired(DesiredStatus.STOPPED).build();
        assertEquals(Phase.DEPROVISIONING, write(LIFECYCLE.decide(stepDone("t1", Step.DEACTIVATION, true),
                deactivating, NO_OTHER_TASKS)).moveTo(), "its agent is gone: no STOPPING");
    }

    @Test
    void anUnreachableTaskWithoutStepsThatExpiresStopsAtOnce() {
        TaskRecord unreachable = record("t1", Phase.UNREACHABLE, 7).build();
        TaskChange expired = write(LIFECYCLE.decide(new SweepFinding(T0.plusSeconds(901), "t1",
                Finding.UNREACHABLE_EXPIRED, Phase.UNREACHABLE, 7), unreachable, NO_OTHER_TASKS));
        assertEquals(Phase.STOPPED, expired.moveTo());
        assertNotNull(expired.tombstoneUntil());
    }

    @Test
    void theAgentKillingAnActivatedTaskDeactivatesItThenWaitsForTheKill() {
        TaskChange killing = write(LIFECYCLE.decide(agent("t1", AgentState.KILLING, 9, "k"), activated("t1").build(),
                NO_OTHER_TASKS));
        assertEquals(Phase.DEACTIVATING, killing.moveTo());

        TaskRecord deactivating = record("t1", Phase.DEACTIVATING, 5).steps(Step.values())
                .agentState(AgentState.KILLING).agentReport(9, "k").build();
        assertEquals(Phase.STOPPING, write(LIFECYCLE.decide(stepDone("t1", Step.DEACTIVATION, true), deactivating,
                NO_OTHER_TASKS)).moveTo(), "the agent has not reported the end yet");
    }

    @Test
    void aTaskThatEndsWhileAStepIsUnderWayWaitsForTheStepThenGoesDown() {
        TaskRecord activating = record("t1", Phase.ACTIVATING, 3).steps(Step.values())
                .agentState(AgentState.RUNNING).agentTimestamp(T0.getEpochSecond() * 1_000_000L).build();
        TaskChange failed = write(LIFECYCLE.decide(agent("t1", AgentState.FAILED, 9, "f"), activating,
                NO_OTHER_TASKS));
        assertNull(failed.moveTo(), "the activation step is under way: it decides what comes next");
        assertEquals(Outcome.FAILED, failed.outcome());

        TaskRecord ended = record("t1", Phase.ACTIVATING, 4).steps(Step.values()).agentState(AgentState.FAILED)
                .outcome(Outcome.FAILED).build();
        assertEquals(Phase.DEACTIVATING, write(LIFECYCLE.decide(stepDone("t1", Step.ACTIVATION, true), ended,
                NO_OTHER_TASKS)).moveTo(), "a task that ended is not brought up: its activation is undone");
    }

    @Test
    void aReportFromTheAgentDoesNotReplaceAnOutcomeDecidedBefore() {
        TaskRecord overdue = record("t1", Phase.STOPPING, 5).desired(DesiredStatus.STOPPED).outcome(Outcome.FAILED)
                .build();
        TaskChange killed = write(LIFECYCLE.decide(agent("t1", AgentState.KILLED, 9, "k"), overdue,
                NO_OTHER_TASKS));
        assertEquals(Phase.STOPPED, killed.moveTo());
        assertTrue(killed.keepOutcome(), "the launch overdue (or failed step) that ended it stays the outcome");
    }
}
