package dev.tasklife.domain;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.launch;
import static dev.tasklife.Fixtures.record;
import static dev.tasklife.Fixtures.stepDone;
import static dev.tasklife.Fixtures.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.tasklife.Fixtures;

/** The lifecycle rules of lifecycle.md, one scenario per behaviour. */
class LifecycleTest {

    private static final Lifecycle LIFECYCLE = Fixtures.LIFECYCLE;

    private static TaskChange write(Decision decision) {
        return assertInstanceOf(Decision.Write.class, decision).change();
    }

    private static Decision.Reject reject(Decision decision) {
        return assertInstanceOf(Decision.Reject.class, decision);
    }

    private static Decision.Skip skip(Decision decision, Verdict expected) {
        Decision.Skip skip = assertInstanceOf(Decision.Skip.class, decision);
        assertEquals(expected, skip.verdict(), skip.why());
        return skip;
    }

    @Nested
    class FirstAttemptNeedsNoRead {

        @Test
        void ecsEventMovesToItsLastStatusFromTheAllowedPredecessorsOrCreates() {
            TaskChange change = LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4));
            assertEquals(Phase.RUNNING, change.moveTo());
            assertTrue(change.guard().mayCreate());
            assertTrue(change.guard().isBlind());
            assertEquals(TransitionTable.predecessorsOf(Phase.RUNNING), change.guard().phases());
            assertEquals(4L, change.ecsVersion());
            assertEquals("ecs:4", change.dedupeKey());
        }

        @Test
        void agentRunningAssumesNoActivationStepNoStopAndNoReplacementAndSaysSoInTheGuard() {
            TaskChange change = LIFECYCLE.firstAttempt(agent("t1", AgentState.RUNNING, 1, "u1"));
            assertEquals(Phase.RUNNING, change.moveTo());
            assertEquals(Set.of(Assumption.NO_ACTIVATION_STEP, Assumption.NO_STOP_REQUESTED, Assumption.NOT_REPLACED),
                    change.guard().assumptions());
            assertEquals(AgentState.RUNNING, change.agentState());
        }

        @Test
        void terminalAgentStateStopsWithItsOutcomeAssumingNoDeprovisioning() {
            TaskChange change = LIFECYCLE.firstAttempt(agent("t1", AgentState.FAILED, 1, "u1"));
            assertEquals(Phase.STOPPED, change.moveTo());
            assertEquals(Outcome.FAILED, change.outcome());
            assertEquals(Set.of(Assumption.NO_DEPROVISIONING_STEP, Assumption.NOT_REPLACED_ON_FAILURE),
                    change.guard().assumptions(), "a failed task of a service would be replaced: not blind");
        }

        @Test
        void stagingAndStartingArePendingAndKillingIsStopping() {
            assertEquals(Phase.PENDING, LIFECYCLE.firstAttempt(agent("t", AgentState.STAGING, 1, "a")).moveTo());
            assertEquals(Phase.PENDING, LIFECYCLE.firstAttempt(agent("t", AgentState.STARTING, 1, "b")).moveTo());
            assertEquals(Phase.STOPPING, LIFECYCLE.firstAttempt(agent("t", AgentState.KILLING, 1, "c")).moveTo());
            assertEquals(Phase.UNREACHABLE,
                    LIFECYCLE.firstAttempt(agent("t", AgentState.UNREACHABLE, 1, "d")).moveTo());
        }

        @Test
        void launchCreatesTheTaskInProvisioningOnlyWhenItAsksForANetworkInterface() {
            TaskChange withNetwork = LIFECYCLE.firstAttempt(launch("t1", true, false));
            assertEquals(Phase.PROVISIONING, withNetwork.moveTo());
            assertEquals(EnumSet.of(Step.PROVISIONING, Step.DEPROVISIONING), withNetwork.steps());
            assertTrue(withNetwork.guard().mayCreate());
            assertEquals(Set.of(), withNetwork.guard().phases());
            assertEquals(DesiredStatus.RUNNING, withNetwork.desiredStatus());
            assertTrue(withNetwork.keepDesiredStatus(), "a launch must not undo a stop that overtook it");

            assertEquals(Phase.PENDING, LIFECYCLE.firstAttempt(launch("t2", false, true)).moveTo());
        }

        @Test
        void aStopRequestFirstTriesToOnlyRecordTheWishWhereTheTaskCannotMoveYet() {
            TaskChange change = LIFECYCLE.firstAttempt(stop("t1"));
            assertNull(change.moveTo());
            assertEquals(DesiredStatus.STOPPED, change.desiredStatus());
            assertEquals(EnumSet.of(Phase.PROVISIONING, Phase.ACTIVATING, Phase.UNREACHABLE, Phase.DEACTIVATING,
                    Phase.STOPPING, Phase.DEPROVISIONING), change.guard().phases());
        }
    }

    @Nested
    class OrderingDuplicatesReplays {

        @Test
        void theSameEventAgainIsADuplicate() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).applied("agent:u1").build();
            skip(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 1, "u1"), current), Verdict.DUPLICATE);
        }

        @Test
        void theSameEcsVersionIsADuplicateAndAnOlderOneIsStale() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            skip(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 4), current), Verdict.DUPLICATE);
            skip(LIFECYCLE.decide(ecs("t1", Phase.PENDING, 2), current), Verdict.STALE);
        }

        @Test
        void theAgentsLatestReportAgainIsADuplicateAlthoughItsKeyIsNoLongerKept() {
            TaskEvent latest = agent("t1", AgentState.UNREACHABLE, 10, "u10");
            TaskRecord current = record("t1", Phase.UNREACHABLE, 30).agentReport(
                    (Fixtures.T0.getEpochSecond() + 10) * 1_000_000L, latest.dedupeKey()).build();
            skip(LIFECYCLE.decide(latest, current), Verdict.DUPLICATE);
        }

        @Test
        void anOlderAgentUpdateIsStale() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).agentTimestamp(
                    (Fixtures.T0.getEpochSecond() + 10) * 1_000_000L).build();
            skip(LIFECYCLE.decide(agent("t1", AgentState.STARTING, 5, "u9"), current), Verdict.STALE);
        }

        @Test
        void aNewerReportThatAgreesWithTheRecordOnlyRecordsItsOrder() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            TaskChange change = write(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 5), current));
            assertNull(change.moveTo());
            assertEquals(5L, change.ecsVersion(), "so that an older report arriving later is stale");
        }

        @Test
        void aReportAsOldAsTheRecordsThatAgreesWithItChangesNothing() {
            long at = (Fixtures.T0.getEpochSecond() + 7) * 1_000_000L;
            TaskRecord current = record("t1", Phase.RUNNING, 3).agentState(AgentState.RUNNING).agentTimestamp(at)
                    .build();
            skip(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 7, "other-writer"), current), Verdict.UNCHANGED);
        }
    }

    @Nested
    class AllowedMoves {

        @Test
        void anAllowedMoveIsGuardedByTheExactVersionItWasDecidedOn() {
            TaskRecord current = record("t1", Phase.PENDING, 2).ecsVersion(2).build();
            TaskChange change = write(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 4), current));
            assertEquals(Phase.RUNNING, change.moveTo());
            assertEquals(2L, change.guard().version());
            assertEquals(TransitionTable.predecessorsOf(Phase.RUNNING), change.guard().phases());
        }

        @Test
        void aBackwardMoveIsRejectedWithTheReason() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).build();
            Decision.Reject reject = reject(LIFECYCLE.decide(agent("t1", AgentState.STAGING, 1, "u2"), current));
            assertEquals("RUNNING -> PENDING is not an allowed move", reject.why());
            assertFalse(reject.killTask());
        }

        @Test
        void nothingLeavesStopped() {
            TaskRecord current = record("t1", Phase.STOPPED, 5).build();
            assertTrue(reject(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 9, "u3"), current)).killTask(),
                    "a stopped task reported running is to be killed");
            assertFalse(reject(LIFECYCLE.decide(agent("t1", AgentState.UNREACHABLE, 9, "u4"), current)).killTask());
        }

        @Test
        void anUnreachableTaskThatComesBackIsRunningAgain() {
            TaskRecord current = record("t1", Phase.UNREACHABLE, 4).steps(Step.ACTIVATION).build();
            assertEquals(Phase.RUNNING,
                    write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 9, "u5"), current)).moveTo());
        }

        @Test
        void aStoppedTaskCannotBecomeUnreachable() {
            TaskRecord current = record("t1", Phase.STOPPED, 4).build();
            reject(LIFECYCLE.decide(ecs("t1", Phase.STOPPING, 9), current));
        }
    }

    /** What a stale or rejected event asked for: the phase it would have moved the task to. */
    @Nested
    class WhatAnEventRequested {

        @Test
        void aStaleEcsReportRequestedItsLastStatusAndADuplicateLeavesNothingUndone() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            assertEquals(Phase.PENDING, skip(LIFECYCLE.decide(ecs("t1", Phase.PENDING, 2), current), Verdict.STALE)
                    .requested());
            assertNull(skip(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 4), current), Verdict.DUPLICATE).requested());
        }

        @Test
        void aStaleAgentUpdateRequestedThePhaseItsStateStatesByItself() {
            TaskRecord current = record("t1", Phase.STOPPING, 3).steps(Step.DEPROVISIONING)
                    .agentTimestamp((T0.getEpochSecond() + 10) * 1_000_000L).build();
            assertEquals(Phase.STOPPING, skip(LIFECYCLE.decide(agent("t1", AgentState.KILLING, 5, "k"), current),
                    Verdict.STALE).requested());
            assertEquals(Phase.STOPPED, skip(LIFECYCLE.decide(agent("t1", AgentState.KILLED, 5, "d"), current),
                    Verdict.STALE).requested(), "a stale report is not mapped onto the record's steps");
        }

        @Test
        void aRejectedMoveRequestedThePhaseTheEventMapsToOnTheRecord() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).build();
            assertEquals(Phase.PENDING,
                    reject(LIFECYCLE.decide(agent("t1", AgentState.STAGING, 1, "u2"), current)).requested());
        }

        @Test
        void aReportForAStoppedTaskRequestedThePhaseItReports() {
            TaskRecord current = record("t1", Phase.STOPPED, 5).desired(DesiredStatus.STOPPED).build();
            assertEquals(Phase.RUNNING,
                    reject(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 9, "u3"), current)).requested());
            assertEquals(Phase.STOPPING, reject(LIFECYCLE.decide(ecs("t1", Phase.STOPPING, 9), current)).requested());
        }

        @Test
        void aStaleStepCompletionRequestedWhereTheStepLeads() {
            TaskRecord pending = record("t1", Phase.PENDING, 2).steps(Step.PROVISIONING, Step.DEPROVISIONING).build();
            assertEquals(Phase.PENDING, skip(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, true), pending),
                    Verdict.STALE).requested());
            assertEquals(Phase.DEPROVISIONING, skip(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, false),
                    pending), Verdict.STALE).requested(), "a failed step leads on along the stop path");
        }

        @Test
        void aLaunchForAKnownEcsTaskRequestsNoPhase() {
            TaskRecord ecsTask = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            assertNull(reject(LIFECYCLE.decide(launch("t1", true, false), ecsTask)).requested());
        }
    }

    @Nested
    class AgentStatesMapOntoThePhase {

        @Test
        void runningWithActivationStepsIsActivating() {
            TaskRecord current = record("t1", Phase.PENDING, 2).steps(Step.ACTIVATION, Step.DEACTIVATION).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 3, "u1"), current));
            assertEquals(Phase.ACTIVATING, change.moveTo());
            assertEquals(Set.of(), change.guard().assumptions(), "an informed write knows the steps");
        }

        @Test
        void runningAgainWhileActivatingWaitsForTheStep() {
            TaskRecord current = record("t1", Phase.ACTIVATING, 3).agentState(AgentState.RUNNING)
                    .steps(Step.ACTIVATION).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 4, "u2"), current));
            assertNull(change.moveTo(), "no move: only the newer report's time is recorded");
        }

        @Test
        void terminalWithDeprovisioningStepsIsDeprovisioningWithTheOutcomeSet() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).steps(Step.DEPROVISIONING).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.KILLED, 4, "u3"), current));
            assertEquals(Phase.DEPROVISIONING, change.moveTo());
            assertEquals(Outcome.KILLED, change.outcome());
        }
    }

    @Nested
    class DesiredStatus_ {

        @Test
        void anEcsEventOfTheSamePhaseThatChangesTheDesiredStatusUpdatesWithoutAMove() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            TaskEvent.EcsStateChange stopping = new TaskEvent.EcsStateChange("e5", Fixtures.T0, "t1",
                    "arn", "c", null, Phase.RUNNING, DesiredStatus.STOPPED, 5, null, null, false);
            TaskChange change = write(LIFECYCLE.decide(stopping, current));
            assertNull(change.moveTo());
            assertEquals(Set.of(Phase.RUNNING), change.guard().phases());
            assertEquals(3L, change.guard().version());
        }

        @Test
        void aStopForAStoppedTaskChangesNothing() {
            TaskRecord current = record("t1", Phase.STOPPED, 6).desired(DesiredStatus.STOPPED).build();
            skip(LIFECYCLE.decide(stop("t1"), current), Verdict.UNCHANGED);
        }

        @Test
        void aLaunchAfterAStopGivesTheTaskItsFirstPhaseAndKeepsTheStop() {
            TaskRecord onlyStopped = record("t1", null, 1).desired(DesiredStatus.STOPPED).build();
            TaskChange change = write(LIFECYCLE.decide(launch("t1", false, false), onlyStopped));
            assertEquals(Phase.PENDING, change.moveTo());
            assertTrue(change.guard().mayCreate());
            assertEquals(1L, change.guard().version());
            assertTrue(change.keepDesiredStatus());
        }

        @Test
        void aLaunchForATaskAlreadyReportedOnlyAddsItsSettings() {
            TaskRecord reported = record("t1", Phase.RUNNING, 2).build();
            TaskChange change = write(LIFECYCLE.decide(launch("t1", false, false), reported));
            assertNull(change.moveTo());
            assertEquals("webapp", change.service());
        }
    }

    @Nested
    class StopPath {

        @Test
        void aStopForARunningTaskMovesItAtOnce() {
            TaskRecord running = record("t1", Phase.RUNNING, 4).steps(Step.DEACTIVATION).build();
            TaskChange change = write(LIFECYCLE.decide(stop("t1"), running));
            assertEquals(Phase.DEACTIVATING, change.moveTo());
            assertEquals(DesiredStatus.STOPPED, change.desiredStatus());
        }
    }

    @Nested
    class StepCompletions {

        @Test
        void aSucceededStepAdvancesATaskStillWantedRunning() {
            TaskRecord provisioning = record("t1", Phase.PROVISIONING, 1).steps(Step.PROVISIONING).build();
            assertEquals(Phase.PENDING,
                    write(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, true), provisioning)).moveTo());
        }

        @Test
        void aSucceededStepOfATaskWantedStoppedTakesTheStopPath() {
            TaskRecord activating = record("t1", Phase.ACTIVATING, 3).desired(DesiredStatus.STOPPED)
                    .steps(Step.ACTIVATION, Step.DEACTIVATION).build();
            assertEquals(Phase.DEACTIVATING,
                    write(LIFECYCLE.decide(stepDone("t1", Step.ACTIVATION, true), activating)).moveTo());
        }

        @Test
        void aStopCodeNoticedBeforeTheTaskStoppedIsItsOutcomeWhicheverWayItStops() {
            TaskRecord deprovisioning = record("t1", Phase.DEPROVISIONING, 4).steps(Step.DEPROVISIONING)
                    .desired(DesiredStatus.STOPPED).stopCode("SpotInterruption").build();
            TaskChange change = write(LIFECYCLE.decide(stepDone("t1", Step.DEPROVISIONING, true), deprovisioning));
            assertEquals(Phase.STOPPED, change.moveTo());
            assertEquals(Outcome.GONE, change.outcome(), "the instance was taken away, not a stop request");
        }

        @Test
        void aFailedStepOnTheWayUpFailsTheTask() {
            TaskRecord provisioning = record("t1", Phase.PROVISIONING, 1).steps(Step.PROVISIONING).build();
            TaskChange change = write(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, false), provisioning));
            assertEquals(Phase.STOPPED, change.moveTo());
            assertEquals(Outcome.FAILED, change.outcome());
            assertEquals("PROVISIONING failed: target group not found", change.outcomeReason());
            assertEquals(DesiredStatus.STOPPED, change.desiredStatus());
        }
    }

    @Nested
    class Marathon {

        @Test
        void aFailedServiceTaskIsExpungedAndItsReplacementCreatedInTheSameWrite() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).service("webapp").build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.GONE, 9, "g"), running));
            assertEquals(Phase.STOPPED, change.moveTo());
            assertEquals(T0, change.at(), "written at the service's time, not the event's");
            assertEquals(T0.getEpochSecond() + Fixtures.POLICY.tombstoneSeconds(), change.tombstoneUntil());
            TaskChange replacement = change.replacement();
            assertEquals(change.replacedBy(), replacement.taskId());
            assertTrue(replacement.taskId().startsWith("webapp."));
            assertEquals("t1", replacement.replacementOf());
            assertEquals(Phase.PENDING, replacement.moveTo());
            assertTrue(replacement.guard().mayCreate());
            TaskChange retried = write(LIFECYCLE.decide(agent("t1", AgentState.GONE, 9, "g"), running));
            assertNotEquals(replacement.taskId(), retried.replacedBy(), "random: nobody can take it in advance");
        }

        @Test
        void aKilledServiceTaskIsNeitherExpungedNorReplaced() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).service("webapp").build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.KILLED, 9, "k"), running));
            assertNull(change.replacement());
            assertNull(change.tombstoneUntil());
        }

        @Test
        void aSweepFindingOnARecordThatMovedOnChangesNothing() {
            TaskRecord running = record("t1", Phase.RUNNING, 5).service("webapp").build();
            TaskEvent.SweepFinding finding = new TaskEvent.SweepFinding(Fixtures.T0, "t1",
                    TaskEvent.SweepFinding.Finding.UNREACHABLE_EXPIRED, Phase.UNREACHABLE, 4);
            skip(LIFECYCLE.decide(finding, running), Verdict.UNCHANGED);
        }
    }
}
