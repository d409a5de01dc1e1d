package dev.tasklife.domain;

import static dev.tasklife.Fixtures.NO_OTHER_TASKS;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
            assertEquals(Set.of(Assumption.NO_ACTIVATION_STEP, Assumption.NO_STOP_REQUESTED, Assumption.NOT_REPLACED,
                    Assumption.NOT_ENDED, Assumption.NOT_ECS_TASK), change.guard().assumptions());
            assertEquals(AgentState.RUNNING, change.agentState());
        }

        @Test
        void terminalAgentStateStopsWithItsOutcomeAssumingNoUndoStep() {
            TaskChange change = LIFECYCLE.firstAttempt(agent("t1", AgentState.FAILED, 1, "u1"));
            assertEquals(Phase.STOPPED, change.moveTo());
            assertEquals(Outcome.FAILED, change.outcome());
            assertEquals(Set.of(Assumption.NO_DEACTIVATION_STEP, Assumption.NO_DEPROVISIONING_STEP,
                    Assumption.NOT_REPLACED_ON_FAILURE, Assumption.NOT_ECS_TASK, Assumption.NOT_EXPUNGED),
                    change.guard().assumptions(), "a failed task of a service would be replaced, one with undo steps"
                            + " deactivated, an expunged one tombstoned: not blind");
            assertEquals(EnumSet.of(Phase.PENDING, Phase.RUNNING, Phase.STOPPING, Phase.UNREACHABLE),
                    change.guard().phases(), "a task in a step phase waits for its step: decided on the record");
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
                    Phase.DEPROVISIONING), change.guard().phases(),
                    "an agent task already STOPPING is decided on its record: its kill is requested");
        }
    }

    @Nested
    class OrderingDuplicatesReplays {

        @Test
        void theSameEventAgainIsADuplicate() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).applied("agent:u1").build();
            skip(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 1, "u1"), current, NO_OTHER_TASKS), Verdict.DUPLICATE);
        }

        @Test
        void theSameEcsVersionIsADuplicateAndAnOlderOneIsStale() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            skip(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 4), current, NO_OTHER_TASKS), Verdict.DUPLICATE);
            skip(LIFECYCLE.decide(ecs("t1", Phase.PENDING, 2), current, NO_OTHER_TASKS), Verdict.STALE);
        }

        @Test
        void theAgentsLatestReportAgainIsADuplicateAlthoughItsKeyIsNoLongerKept() {
            TaskEvent latest = agent("t1", AgentState.UNREACHABLE, 10, "u10");
            TaskRecord current = record("t1", Phase.UNREACHABLE, 30).agentReport(
                    (Fixtures.T0.getEpochSecond() + 10) * 1_000_000L, latest.dedupeKey()).build();
            skip(LIFECYCLE.decide(latest, current, NO_OTHER_TASKS), Verdict.DUPLICATE);
        }

        @Test
        void anOlderAgentUpdateIsStale() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).agentTimestamp(
                    (Fixtures.T0.getEpochSecond() + 10) * 1_000_000L).build();
            skip(LIFECYCLE.decide(agent("t1", AgentState.STARTING, 5, "u9"), current, NO_OTHER_TASKS), Verdict.STALE);
        }

        @Test
        void aNewerReportThatAgreesWithTheRecordOnlyRecordsItsOrder() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            TaskChange change = write(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 5), current, NO_OTHER_TASKS));
            assertNull(change.moveTo());
            assertEquals(5L, change.ecsVersion(), "so that an older report arriving later is stale");
        }

        @Test
        void aReportAsOldAsTheRecordsThatAgreesWithItChangesNothing() {
            long at = (Fixtures.T0.getEpochSecond() + 7) * 1_000_000L;
            TaskRecord current = record("t1", Phase.RUNNING, 3).agentState(AgentState.RUNNING).agentTimestamp(at)
                    .build();
            skip(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 7, "other-writer"), current, NO_OTHER_TASKS), Verdict.UNCHANGED);
        }
    }

    @Nested
    class AllowedMoves {

        @Test
        void anAllowedMoveIsGuardedByTheExactVersionItWasDecidedOn() {
            TaskRecord current = record("t1", Phase.PENDING, 2).ecsVersion(2).build();
            TaskChange change = write(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 4), current, NO_OTHER_TASKS));
            assertEquals(Phase.RUNNING, change.moveTo());
            assertEquals(2L, change.guard().version());
            assertEquals(TransitionTable.predecessorsOf(Phase.RUNNING), change.guard().phases());
        }

        @Test
        void aBackwardMoveIsRejectedWithTheReason() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).build();
            Decision.Reject reject = reject(LIFECYCLE.decide(agent("t1", AgentState.STAGING, 1, "u2"), current, NO_OTHER_TASKS));
            assertEquals("RUNNING -> PENDING is not an allowed move", reject.why());
            assertFalse(reject.killTask());
        }

        @Test
        void nothingLeavesStopped() {
            TaskRecord current = record("t1", Phase.STOPPED, 5).build();
            assertTrue(reject(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 9, "u3"), current, NO_OTHER_TASKS)).killTask(),
                    "a stopped task reported running is to be killed");
            assertFalse(reject(LIFECYCLE.decide(agent("t1", AgentState.UNREACHABLE, 9, "u4"), current, NO_OTHER_TASKS)).killTask());
        }

        @Test
        void anUnreachableTaskThatComesBackIsRunningAgain() {
            TaskRecord current = record("t1", Phase.UNREACHABLE, 4).steps(Step.ACTIVATION).build();
            assertEquals(Phase.RUNNING,
                    write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 9, "u5"), current, NO_OTHER_TASKS)).moveTo());
        }

        @Test
        void aStoppedTaskCannotBecomeUnreachable() {
            TaskRecord current = record("t1", Phase.STOPPED, 4).ecsVersion(8).build();
            reject(LIFECYCLE.decide(ecs("t1", Phase.STOPPING, 9), current, NO_OTHER_TASKS));
        }
    }

    /** What a stale or rejected event asked for: the phase it would have moved the task to. */
    @Nested
    class WhatAnEventRequested {

        @Test
        void aStaleEcsReportRequestedItsLastStatusAndADuplicateLeavesNothingUndone() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            assertEquals(Phase.PENDING, skip(LIFECYCLE.decide(ecs("t1", Phase.PENDING, 2), current, NO_OTHER_TASKS), Verdict.STALE)
                    .requested());
            assertNull(skip(LIFECYCLE.decide(ecs("t1", Phase.RUNNING, 4), current, NO_OTHER_TASKS), Verdict.DUPLICATE).requested());
        }

        @Test
        void aStaleAgentUpdateRequestedThePhaseItsStateStatesByItself() {
            TaskRecord current = record("t1", Phase.STOPPING, 3).steps(Step.DEPROVISIONING)
                    .agentTimestamp((T0.getEpochSecond() + 10) * 1_000_000L).build();
            assertEquals(Phase.STOPPING, skip(LIFECYCLE.decide(agent("t1", AgentState.KILLING, 5, "k"), current, NO_OTHER_TASKS),
                    Verdict.STALE).requested());
            assertEquals(Phase.STOPPED, skip(LIFECYCLE.decide(agent("t1", AgentState.KILLED, 5, "d"), current, NO_OTHER_TASKS),
                    Verdict.STALE).requested(), "a stale report is not mapped onto the record's steps");
        }

        @Test
        void aRejectedMoveRequestedThePhaseTheEventMapsToOnTheRecord() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).build();
            assertEquals(Phase.PENDING,
                    reject(LIFECYCLE.decide(agent("t1", AgentState.STAGING, 1, "u2"), current, NO_OTHER_TASKS)).requested());
        }

        @Test
        void aReportForAStoppedTaskRequestedThePhaseItReports() {
            TaskRecord current = record("t1", Phase.STOPPED, 5).desired(DesiredStatus.STOPPED).build();
            assertEquals(Phase.RUNNING,
                    reject(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 9, "u3"), current, NO_OTHER_TASKS)).requested());
            TaskRecord ecsTask = record("t1", Phase.STOPPED, 5).ecsVersion(8).build();
            assertEquals(Phase.STOPPING, reject(LIFECYCLE.decide(ecs("t1", Phase.STOPPING, 9), ecsTask,
                    NO_OTHER_TASKS)).requested());
        }

        @Test
        void aStaleStepCompletionRequestedWhereTheStepLeads() {
            TaskRecord pending = record("t1", Phase.PENDING, 2).steps(Step.PROVISIONING, Step.DEPROVISIONING).build();
            assertEquals(Phase.PENDING, skip(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, true), pending, NO_OTHER_TASKS),
                    Verdict.STALE).requested());
            assertEquals(Phase.DEPROVISIONING, skip(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, false),
                    pending, NO_OTHER_TASKS), Verdict.STALE).requested(), "a failed step leads on along the stop path");
        }

        @Test
        void aLaunchForAKnownEcsTaskRequestsNoPhase() {
            TaskRecord ecsTask = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            assertNull(reject(LIFECYCLE.decide(launch("t1", true, false), ecsTask, NO_OTHER_TASKS)).requested());
        }
    }

    @Nested
    class AgentStatesMapOntoThePhase {

        @Test
        void runningWithActivationStepsIsActivating() {
            TaskRecord current = record("t1", Phase.PENDING, 2).steps(Step.ACTIVATION, Step.DEACTIVATION).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 3, "u1"), current, NO_OTHER_TASKS));
            assertEquals(Phase.ACTIVATING, change.moveTo());
            assertEquals(Set.of(), change.guard().assumptions(), "an informed write knows the steps");
        }

        @Test
        void runningAgainWhileActivatingWaitsForTheStep() {
            TaskRecord current = record("t1", Phase.ACTIVATING, 3).agentState(AgentState.RUNNING)
                    .steps(Step.ACTIVATION).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 4, "u2"), current, NO_OTHER_TASKS));
            assertNull(change.moveTo(), "no move: only the newer report's time is recorded");
        }

        @Test
        void terminalWithDeprovisioningStepsIsDeprovisioningWithTheOutcomeSet() {
            TaskRecord current = record("t1", Phase.RUNNING, 3).steps(Step.DEPROVISIONING).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.KILLED, 4, "u3"), current, NO_OTHER_TASKS));
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
                    "arn", "c", null, Phase.RUNNING, DesiredStatus.STOPPED, 5, null, null, false, null, null);
            TaskChange change = write(LIFECYCLE.decide(stopping, current, NO_OTHER_TASKS));
            assertNull(change.moveTo());
            assertEquals(Set.of(Phase.RUNNING), change.guard().phases());
            assertEquals(3L, change.guard().version());
        }

        @Test
        void aStopForAStoppedTaskChangesNothing() {
            TaskRecord current = record("t1", Phase.STOPPED, 6).desired(DesiredStatus.STOPPED).build();
            skip(LIFECYCLE.decide(stop("t1"), current, NO_OTHER_TASKS), Verdict.UNCHANGED);
        }

        @Test
        void aLaunchAfterAStopGivesTheTaskItsFirstPhaseAndKeepsTheStop() {
            TaskRecord onlyStopped = record("t1", null, 1).desired(DesiredStatus.STOPPED).build();
            TaskChange change = write(LIFECYCLE.decide(launch("t1", false, false), onlyStopped, NO_OTHER_TASKS));
            assertEquals(Phase.PENDING, change.moveTo());
            assertTrue(change.guard().mayCreate());
            assertEquals(1L, change.guard().version());
            assertTrue(change.keepDesiredStatus());
        }

        @Test
        void aLaunchForATaskAlreadyReportedOnlyAddsItsSettings() {
            TaskRecord reported = record("t1", Phase.RUNNING, 2).build();
            TaskChange change = write(LIFECYCLE.decide(launch("t1", false, false), reported, NO_OTHER_TASKS));
            assertNull(change.moveTo());
            assertEquals("webapp", change.service());
        }
    }

    @Nested
    class StopPath {

        @Test
        void aStopForARunningTaskMovesItAtOnce() {
            TaskRecord running = record("t1", Phase.RUNNING, 4).steps(Step.DEACTIVATION).build();
            TaskChange change = write(LIFECYCLE.decide(stop("t1"), running, NO_OTHER_TASKS));
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
                    write(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, true), provisioning, NO_OTHER_TASKS)).moveTo());
        }

        @Test
        void aSucceededStepOfATaskWantedStoppedTakesTheStopPath() {
            TaskRecord activating = record("t1", Phase.ACTIVATING, 3).desired(DesiredStatus.STOPPED)
                    .steps(Step.ACTIVATION, Step.DEACTIVATION).build();
            assertEquals(Phase.DEACTIVATING,
                    write(LIFECYCLE.decide(stepDone("t1", Step.ACTIVATION, true), activating, NO_OTHER_TASKS)).moveTo());
        }

        @Test
        void aStopCodeNoticedBeforeTheTaskStoppedIsItsOutcomeWhicheverWayItStops() {
            TaskRecord deprovisioning = record("t1", Phase.DEPROVISIONING, 4).steps(Step.DEPROVISIONING)
                    .desired(DesiredStatus.STOPPED).stopCode("SpotInterruption").build();
            TaskChange change = write(LIFECYCLE.decide(stepDone("t1", Step.DEPROVISIONING, true), deprovisioning, NO_OTHER_TASKS));
            assertEquals(Phase.STOPPED, change.moveTo());
            assertEquals(Outcome.GONE, change.outcome(), "the instance was taken away, not a stop request");
        }

        @Test
        void aFailedStepOnTheWayUpFailsTheTask() {
            TaskRecord provisioning = record("t1", Phase.PROVISIONING, 1).steps(Step.PROVISIONING).build();
            TaskChange change = write(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, false), provisioning, NO_OTHER_TASKS));
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
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.GONE, 9, "g"), running, NO_OTHER_TASKS));
            assertEquals(Phase.STOPPED, change.moveTo());
            assertEquals(T0, change.at(), "written at the service's time, not the event's");
            assertEquals(T0.getEpochSecond() + Fixtures.POLICY.tombstoneSeconds(), change.tombstoneUntil());
            TaskChange replacement = change.replacement();
            assertEquals(change.replacedBy(), replacement.taskId());
            assertTrue(replacement.taskId().startsWith("webapp."));
            assertEquals("t1", replacement.replacementOf());
            assertEquals(Phase.PENDING, replacement.moveTo());
            assertTrue(replacement.guard().mayCreate());
            TaskChange retried = write(LIFECYCLE.decide(agent("t1", AgentState.GONE, 9, "g"), running, NO_OTHER_TASKS));
            assertNotEquals(replacement.taskId(), retried.replacedBy(), "random: nobody can take it in advance");
        }

        @Test
        void aKilledServiceTaskIsNeitherExpungedNorReplaced() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).service("webapp").build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.KILLED, 9, "k"), running, NO_OTHER_TASKS));
            assertNull(change.replacement());
            assertNull(change.tombstoneUntil());
        }

        @Test
        void aSweepFindingOnARecordThatMovedOnChangesNothing() {
            TaskRecord running = record("t1", Phase.RUNNING, 5).service("webapp").build();
            TaskEvent.SweepFinding finding = new TaskEvent.SweepFinding(Fixtures.T0, "t1",
                    TaskEvent.SweepFinding.Finding.UNREACHABLE_EXPIRED, Phase.UNREACHABLE, 4);
            skip(LIFECYCLE.decide(finding, running, NO_OTHER_TASKS), Verdict.UNCHANGED);
        }
    }

    /** lifecycle.md, "Returning tasks": a service task back from UNREACHABLE after its replacement was requested. */
    @Nested
    class Comebacks {

        private final Map<String, TaskRecord> table = new HashMap<>();

        private TaskRecord returned(KillSelection selection, String replacement) {
            return record("t1", Phase.UNREACHABLE, 5).service("webapp").killSelection(selection)
                    .agentReport(2, "u1").replacedBy(replacement).build();
        }

        private TaskRecord put(Fixtures.RecordBuilder builder) {
            TaskRecord task = builder.service("webapp").build();
            table.put(task.taskId(), task);
            return task;
        }

        private TaskChange comesBack(TaskRecord returned) {
            return write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 30, "back"), returned,
                    id -> Optional.ofNullable(table.get(id))));
        }

        @Test
        void withALiveReplacementYoungestFirstKeepsTheTaskAndStopsTheReplacementInTheSameTransaction() {
            TaskRecord replacement = put(record("r1", Phase.RUNNING, 7).agentReport(3, "r1"));
            TaskChange change = comesBack(returned(null, "r1"));

            assertEquals(Phase.RUNNING, change.moveTo());
            assertNotEquals(DesiredStatus.STOPPED, change.desiredStatus());
            assertEquals("r1", change.releasedReplacement(), "it may be replaced again");
            assertEquals("r1", change.surplusStopped());
            assertEquals(1, change.companions().size());
            TaskChange.Companion stop = change.companions().get(0);
            assertEquals(replacement, stop.decidedOn());
            assertEquals(DesiredStatus.STOPPED, stop.change().desiredStatus());
            assertEquals(Phase.STOPPING, stop.change().moveTo(), "down its stop path in that write");
            assertEquals(7L, stop.change().guard().version(), "guarded by the version read");
            assertEquals("t1", stop.change().surplusKept());
        }

        @Test
        void aReplacementWithAnActivationStepIsDeactivatedFirst() {
            put(record("r1", Phase.RUNNING, 7).steps(Step.ACTIVATION, Step.DEACTIVATION));
            TaskChange stop = comesBack(returned(KillSelection.YOUNGEST_FIRST, "r1")).companions().get(0).change();
            assertEquals(Phase.DEACTIVATING, stop.moveTo());
        }

        @Test
        void aReplacementStillProvisioningRecordsTheStopAndMovesLater() {
            put(record("r1", Phase.PROVISIONING, 2).steps(Step.PROVISIONING));
            TaskChange stop = comesBack(returned(null, "r1")).companions().get(0).change();
            assertNull(stop.moveTo());
            assertEquals(DesiredStatus.STOPPED, stop.desiredStatus());
            assertEquals(Set.of(Phase.PROVISIONING), stop.guard().phases());
        }

        @Test
        void withARunningReplacementOldestFirstStopsTheTaskThatCameBackAndWritesTheOneKeptInTheSameTransaction() {
            TaskRecord replacement = put(record("r1", Phase.RUNNING, 7));
            TaskChange change = comesBack(returned(KillSelection.OLDEST_FIRST, "r1"));

            assertEquals(DesiredStatus.STOPPED, change.desiredStatus());
            assertEquals(Phase.STOPPING, change.moveTo());
            assertNull(change.releasedReplacement(), "the replacement stands in for it");
            assertEquals("r1", change.surplusKept());
            TaskChange.Companion kept = change.companions().get(0);
            assertEquals(replacement, kept.decidedOn());
            assertEquals("t1", kept.change().surplusStopped());
            assertNull(kept.change().moveTo());
            assertNull(kept.change().desiredStatus());
            assertEquals(7L, kept.change().guard().version(), "both never go: its version guards the decision");
        }

        @ParameterizedTest
        @EnumSource(value = Phase.class, mode = EnumSource.Mode.EXCLUDE, names = "STOPPED")
        void oldestFirstKeepsOnlyAReplacementThatRuns(Phase phase) {
            put(record("r1", phase, 7));
            TaskChange change = comesBack(returned(KillSelection.OLDEST_FIRST, "r1"));
            boolean runs = phase == Phase.RUNNING;
            assertEquals(runs ? DesiredStatus.STOPPED : null, change.desiredStatus(),
                    "one starting, unreachable or stopping is not kept in place of a task that runs");
            assertEquals(runs, change.decommission());
            assertEquals(runs ? null : "t1", change.companions().get(0).change().surplusKept());
        }

        @ParameterizedTest
        @EnumSource(KillSelection.class)
        void aReplacementThatHasStoppedLeavesNoSurplusAndTheTaskMayBeReplacedAgain(KillSelection selection) {
            put(record("r1", Phase.STOPPED, 9));
            TaskChange change = comesBack(returned(selection, "r1"));

            assertEquals(Phase.RUNNING, change.moveTo(), "the one instance left runs on");
            assertNull(change.desiredStatus());
            assertEquals("r1", change.releasedReplacement());
            assertNull(change.surplusKept());
            assertNull(change.surplusStopped());
            assertEquals(List.of(), change.companions());
        }

        @Test
        void aReplacementAlreadyAskedToStopIsNoSurplus() {
            put(record("r1", Phase.RUNNING, 9).decommissioned());
            TaskChange change = comesBack(returned(KillSelection.OLDEST_FIRST, "r1"));
            assertEquals(Phase.RUNNING, change.moveTo());
            assertEquals(List.of(), change.companions());
        }

        @Test
        void oldestFirstNeverKeepsAReplacementThatIsWantedStopped() {
            put(record("r1", Phase.RUNNING, 9).desired(DesiredStatus.STOPPED)); // ECS's desiredStatus, say
            TaskChange change = comesBack(returned(KillSelection.OLDEST_FIRST, "r1"));
            assertEquals(Phase.RUNNING, change.moveTo(), "the task that came back is kept");
            assertFalse(change.decommission());
            assertEquals("t1", change.companions().get(0).change().surplusKept());
        }

        /** Its step failed on the way up: it stops, and would be replaced once STOPPED, running beside t1. */
        @ParameterizedTest
        @EnumSource(KillSelection.class)
        void aReplacementWhoseStepFailedStandsInUntilDecommissioned(KillSelection selection) {
            TaskRecord failing = put(record("r1", Phase.STOPPING, 6)
                    .outcome(Outcome.FAILED).desired(DesiredStatus.STOPPED));
            TaskChange change = comesBack(returned(selection, "r1"));

            assertEquals(Phase.RUNNING, change.moveTo(), "no stand-in runs: the task that came back is kept");
            assertEquals("r1", change.surplusStopped());
            TaskChange.Companion stop = change.companions().get(0);
            assertEquals(failing, stop.decidedOn());
            assertTrue(stop.change().decommission(), "never replaced, whatever ends it");
            assertNull(stop.change().moveTo(), "already on its stop path");
        }

        @Test
        void theChainOfReplacementsIsFollowedToEveryInstanceThatStandsIn() {
            put(record("r1", Phase.STOPPED, 9).replacedBy("r2")); // failed, replaced in turn
            put(record("r2", Phase.UNREACHABLE, 4).replacedBy("r3")); // unreachable, replaced in turn
            put(record("r3", Phase.RUNNING, 3).agentReport(3, "r3"));
            TaskChange change = comesBack(returned(null, "r1"));

            assertEquals("r3", change.surplusStopped(), "the youngest");
            assertEquals(List.of("r2", "r3"), change.companions().stream()
                    .map(companion -> companion.decidedOn().taskId()).toList());
            assertNull(change.companions().get(0).change().moveTo(), "unreachable: the stop waits for it");
            assertEquals(Phase.STOPPING, change.companions().get(1).change().moveTo());

            TaskChange oldestFirst = comesBack(returned(KillSelection.OLDEST_FIRST, "r1"));
            assertEquals("r3", oldestFirst.surplusKept(), "the youngest that runs");
            assertEquals(List.of("r3"), oldestFirst.companions().stream()
                    .map(companion -> companion.decidedOn().taskId()).toList());
        }

        @ParameterizedTest
        @EnumSource(KillSelection.class)
        void aChainLongerThanItsBoundStopsTheTaskThatCameBackRatherThanDecideHalfRead(KillSelection selection) {
            for (int i = 1; i <= 40; i++) {
                put(record("r" + i, Phase.STOPPED, 1).replacedBy("r" + (i + 1)));
            }
            TaskChange change = comesBack(returned(selection, "r1"));
            assertEquals(DesiredStatus.STOPPED, change.desiredStatus());
            assertEquals(Phase.STOPPING, change.moveTo());
            assertEquals("r" + (dev.tasklife.domain.Comebacks.MAX_CHAIN + 1), change.surplusKept(), "the first link not read");
            assertEquals(List.of(), change.companions());
        }

        @Test
        void aLinkWithoutARecordEndsTheChainAndTheTaskThatCameBackIsKept() {
            put(record("r1", Phase.STOPPED, 9).replacedBy("lost"));
            TaskChange change = comesBack(returned(KillSelection.OLDEST_FIRST, "r1"));
            assertEquals(Phase.RUNNING, change.moveTo());
            assertNull(change.desiredStatus());
            assertEquals(List.of(), change.companions());
        }

        @Test
        void aTaskAskedToStopOrStoppedAsSurplusIsNeverReplaced() {
            TaskRecord stopping = record("r1", Phase.STOPPING, 4).service("webapp").decommissioned().build();
            TaskChange unreachable = write(LIFECYCLE.decide(agent("r1", AgentState.UNREACHABLE, 9, "u"), stopping,
                    NO_OTHER_TASKS));
            assertNull(unreachable.replacement(), "nothing to fill: it was going anyway");
            TaskChange gone = write(LIFECYCLE.decide(agent("r1", AgentState.GONE, 9, "g"), stopping, NO_OTHER_TASKS));
            assertNull(gone.replacement());
            assertNotNull(gone.tombstoneUntil(), "still expunged");
        }

        @Test
        void aServiceTaskWhoseStepFailedOnTheWayUpIsStoppedAndReplaced() {
            TaskRecord provisioning = record("t1", Phase.PROVISIONING, 2).service("webapp")
                    .steps(Step.PROVISIONING, Step.DEPROVISIONING).build();
            TaskChange failed = write(LIFECYCLE.decide(stepDone("t1", Step.PROVISIONING, false), provisioning,
                    NO_OTHER_TASKS));
            assertEquals(DesiredStatus.STOPPED, failed.desiredStatus());
            assertFalse(failed.decommission(), "a failure, not a request to go: the service still wants it");
            TaskRecord deprovisioning = record("t1", Phase.DEPROVISIONING, 3).service("webapp")
                    .steps(Step.PROVISIONING, Step.DEPROVISIONING).desired(DesiredStatus.STOPPED)
                    .outcome(Outcome.FAILED).build();
            TaskChange stopped = write(LIFECYCLE.decide(stepDone("t1", Step.DEPROVISIONING, true), deprovisioning,
                    NO_OTHER_TASKS));
            assertEquals(Phase.STOPPED, stopped.moveTo());
            assertNotNull(stopped.replacement(), "replaced: the service still wants an instance");
        }

        @Test
        void aTaskAskedToStopWhileAwayIsNoSurplusAndReadsNoOtherTask() {
            TaskRecord away = record("t1", Phase.UNREACHABLE, 5).service("webapp").agentReport(2, "u1")
                    .replacedBy("r1").desired(DesiredStatus.STOPPED).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 30, "back"), away,
                    NO_OTHER_TASKS));
            assertEquals(Phase.STOPPING, change.moveTo());
            assertEquals(List.of(), change.companions());
        }
    }
}
