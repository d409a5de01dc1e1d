package dev.tasklife.domain;

import static dev.tasklife.Fixtures.NO_OTHER_TASKS;
import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.launch;
import static dev.tasklife.Fixtures.record;
import static dev.tasklife.Fixtures.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.TaskEvent.SweepFinding;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;

/** lifecycle.md, "Every wait has a timer": the kill and its retries, the launch timeout, and which timer a write leaves. */
class WaitTimersTest {

    private static final Lifecycle LIFECYCLE = Fixtures.LIFECYCLE;
    private static final long KILL_RETRY = Fixtures.POLICY.killRetrySeconds();

    private static TaskChange write(Decision decision) {
        return assertInstanceOf(Decision.Write.class, decision).change();
    }

    /** The lifecycle with its clock at {@code now}. */
    private static Lifecycle at(Instant now) {
        return new Lifecycle(Fixtures.POLICY, Clock.fixed(now, ZoneOffset.UTC));
    }

    /** An agent task asked to stop, STOPPING, its first kill requested at T0. */
    private static TaskRecord stopping() {
        return record("t1", Phase.STOPPING, 5).decommissioned().agentState(AgentState.RUNNING)
                .agentTimestamp(T0.getEpochSecond() * 1_000_000L).killsRequested(1, T0).build();
    }

    @Nested
    class Kills {

        @Test
        void anAgentTaskStoppedOnRequestGetsItsKillAsItEntersStopping() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).agentReport(2, "r").build();
            TaskChange change = write(LIFECYCLE.decide(stop("t1"), running, NO_OTHER_TASKS));
            assertEquals(Phase.STOPPING, change.moveTo());
            assertTrue(change.requestKill(), "the kill is STOPPING's action");
        }

        @Test
        void anEcsTaskStoppedOnRequestIsLeftToEcsToKill() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
            TaskChange change = write(LIFECYCLE.decide(stop("t1"), running, NO_OTHER_TASKS));
            assertEquals(Phase.STOPPING, change.moveTo());
            assertFalse(change.requestKill());
        }

        @Test
        void theAgentKillingATaskStillWantedRunningIsNoKillOfOurs() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).agentReport(2, "r").build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.KILLING, 9, "k"), running,
                    NO_OTHER_TASKS));
            assertEquals(Phase.STOPPING, change.moveTo());
            assertFalse(change.requestKill());
            assertTrue(LIFECYCLE.firstAttempt(agent("t1", AgentState.KILLING, 9, "k")).guard().assumptions()
                    .contains(Assumption.NO_STOP_REQUESTED), "a task wanted STOPPED is decided on its record");
        }

        @Test
        void aStopRequestForATaskTheAgentIsAlreadyKillingAsksForTheKill() {
            TaskRecord killing = record("t1", Phase.STOPPING, 5).agentState(AgentState.KILLING).build();
            TaskChange change = write(LIFECYCLE.decide(stop("t1"), killing, NO_OTHER_TASKS));
            assertNull(change.moveTo());
            assertTrue(change.requestKill(), "now wanted STOPPED in STOPPING: its kill is timed from here");
        }

        @Test
        void aKillWithoutATerminalReportIsRequestedAgainWhenItsRetryIsDue() {
            SweepFinding due = new SweepFinding(T0.plusSeconds(KILL_RETRY), "t1", Finding.KILL_RETRY_DUE,
                    Phase.STOPPING, 5);
            TaskChange again = write(LIFECYCLE.decide(due, stopping(), NO_OTHER_TASKS));
            assertNull(again.moveTo());
            assertTrue(again.requestKill());
            assertEquals(5L, again.guard().version(), "only on the task as the sweep found it");
            assertEquals(Set.of(Phase.STOPPING), again.guard().phases());

            TaskRecord ecsTask = record("e1", Phase.STOPPING, 5).ecsVersion(6).desired(DesiredStatus.STOPPED).build();
            assertInstanceOf(Decision.Skip.class, LIFECYCLE.decide(new SweepFinding(T0, "e1", Finding.KILL_RETRY_DUE,
                    Phase.STOPPING, 5), ecsTask, NO_OTHER_TASKS), "ECS kills its own tasks");
        }

        @Test
        void aLiveReportOfATaskWantedStoppedAsksForTheKillAtOnceButAtMostOncePerRetryInterval() {
            TaskEvent.AgentStatusUpdate live = agent("t1", AgentState.RUNNING, 30, "again");
            TaskChange soon = write(at(T0.plusSeconds(KILL_RETRY - 1)).decide(live, stopping(), NO_OTHER_TASKS));
            assertFalse(soon.requestKill(), "killed " + (KILL_RETRY - 1) + " s ago");

            TaskChange later = write(at(T0.plusSeconds(KILL_RETRY)).decide(live, stopping(), NO_OTHER_TASKS));
            assertNull(later.moveTo());
            assertTrue(later.requestKill());
        }

        @Test
        void aLiveReportOfATaskThatEndedAsksForItsKillWhileItsUndoStepsRun() {
            TaskRecord deprovisioning = record("t1", Phase.DEPROVISIONING, 6).steps(Step.values())
                    .agentState(AgentState.FAILED).outcome(Outcome.FAILED).build();
            TaskChange change = write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 30, "zombie"), deprovisioning,
                    NO_OTHER_TASKS));
            assertNull(change.moveTo());
            assertTrue(change.requestKill());
        }

        @Test
        void aLiveReportBeforeAnyOtherOfATaskAskedToStopStartsItsStopPathWithItsKill() {
            TaskRecord stopOnly = record("t1", null, 1).desired(DesiredStatus.STOPPED).build();
            for (AgentState live : new AgentState[] {AgentState.STAGING, AgentState.STARTING, AgentState.RUNNING}) {
                TaskChange change = write(LIFECYCLE.decide(agent("t1", live, 1, "first-" + live), stopOnly,
                        NO_OTHER_TASKS));
                assertEquals(Phase.STOPPING, change.moveTo(), live.name());
                assertTrue(change.requestKill(), live.name());
            }
            assertTrue(LIFECYCLE.firstAttempt(agent("t1", AgentState.STAGING, 1, "s")).guard().assumptions()
                    .contains(Assumption.NO_STOP_REQUESTED), "a blind write never lands on a stop request");
        }
    }

    @Nested
    class LaunchTimeout {

        @Test
        void aLaunchedTaskStillPendingIsOverdueKilledFailedAndReplaced() {
            TaskRecord pending = record("t1", Phase.PENDING, 2).service("webapp").launchedAt(T0)
                    .agentState(AgentState.STAGING).agentReport(1, "s").build();
            TaskChange overdue = write(LIFECYCLE.decide(new SweepFinding(T0.plusSeconds(300), "t1",
                    Finding.LAUNCH_OVERDUE, Phase.PENDING, 2), pending, NO_OTHER_TASKS));

            assertEquals(Phase.STOPPING, overdue.moveTo(), "its agent staged it: the kill waits for its report");
            assertTrue(overdue.requestKill());
            assertEquals(Outcome.FAILED, overdue.outcome());
            assertTrue(overdue.outcomeReason().startsWith("launch overdue"), overdue.outcomeReason());
            assertEquals(DesiredStatus.STOPPED, overdue.desiredStatus());
            assertNotNull(overdue.replacement(), "a service replaces a task that failed to launch, at once");
            assertNotNull(overdue.replacement().launchedAt(), "its replacement's launch is timed in turn");
        }

        /** Marathon expunges an instance no agent ever reported rather than wait for a kill nobody confirms. */
        @Test
        void aLaunchNoAgentEverReportedIsKilledOnceAndStopsWithoutWaiting() {
            TaskRecord pending = record("t1", Phase.PENDING, 1).service("webapp").launchedAt(T0).build();
            TaskChange overdue = write(LIFECYCLE.decide(new SweepFinding(T0.plusSeconds(300), "t1",
                    Finding.LAUNCH_OVERDUE, Phase.PENDING, 1), pending, NO_OTHER_TASKS));

            assertEquals(Phase.STOPPED, overdue.moveTo(), "no kill retried for ever for a task nobody runs");
            assertTrue(overdue.requestKill(), "asked killed once all the same, should it start after all");
            assertEquals(Outcome.FAILED, overdue.outcome());
            assertNotNull(overdue.replacement());

            TaskRecord stopped = record("t1", Phase.STOPPED, 2).service("webapp").launchedAt(T0)
                    .outcome(Outcome.FAILED).desired(DesiredStatus.STOPPED).killsRequested(1, T0.plusSeconds(300))
                    .build();
            Decision.Reject late = assertInstanceOf(Decision.Reject.class, LIFECYCLE.decide(agent("t1",
                    AgentState.RUNNING, 9, "late"), stopped, NO_OTHER_TASKS));
            assertTrue(late.killTask(), "it started after all: rejected and killed again");
        }

        @Test
        void aTaskNotLaunchedHereHasNoLaunchToTimeOut() {
            TaskRecord pending = record("t1", Phase.PENDING, 1).build();
            assertInstanceOf(Decision.Skip.class, LIFECYCLE.decide(new SweepFinding(T0, "t1", Finding.LAUNCH_OVERDUE,
                    Phase.PENDING, 1), pending, NO_OTHER_TASKS));
        }
    }

    /** Bounded storage: a task STOPPED and not expunged keeps its whole record for the retention time, no longer. */
    @Nested
    class Retention {

        private final long retain = Fixtures.POLICY.retainStoppedSeconds();

        private TaskRecord stoppedAgentTask() {
            return record("t1", Phase.STOPPED, 4).agentReport(2, "f").agentState(AgentState.FINISHED)
                    .outcome(Outcome.FINISHED).build();
        }

        private Decision retentionDue(TaskRecord task) {
            return LIFECYCLE.decide(new SweepFinding(T0.plusSeconds(retain), task.taskId(), Finding.RETENTION_DUE,
                    Phase.STOPPED, task.version()), task, NO_OTHER_TASKS);
        }

        @Test
        void aTaskThatStopsWithoutBeingExpungedStartsItsRetentionFromTheMove() {
            TaskChange ecsStopped = LIFECYCLE.firstAttempt(ecs("e1", Phase.STOPPED, 8));
            Timer.Started retention = assertInstanceOf(Timer.Started.class, Timer.after(ecsStopped, null));
            assertEquals(Timer.RETAIN, retention.timer());
            assertEquals(ecsStopped.at(), retention.since());

            TaskRecord running = record("t1", Phase.RUNNING, 3).agentReport(2, "r").build();
            TaskChange finished = write(LIFECYCLE.decide(agent("t1", AgentState.FINISHED, 9, "f"), running,
                    NO_OTHER_TASKS));
            assertEquals(Phase.STOPPED, finished.moveTo());
            assertEquals(Timer.RETAIN, assertInstanceOf(Timer.Started.class, Timer.after(finished, running)).timer());
        }

        @Test
        void onceDueTheTaskIsCompactedOnTheRecordAsFoundAndWaitsOnNothingMore() {
            TaskRecord stopped = stoppedAgentTask();
            TaskChange compaction = write(retentionDue(stopped));
            assertTrue(compaction.compact());
            assertNull(compaction.moveTo(), "STOPPED stays STOPPED");
            assertEquals(stopped.version(), compaction.guard().version(), "only the record as the index found it");
            assertInstanceOf(Timer.Cleared.class, Timer.after(compaction, stopped));
        }

        @Test
        void anExpungedTaskWaitsOnItsTombstoneAndACompactedOneIsNotCompactedAgain() {
            TaskRecord expunged = record("t1", Phase.STOPPED, 4).expunged(T0, null).build();
            assertInstanceOf(Decision.Skip.class, retentionDue(expunged), "its tombstone decides");
            TaskRecord compacted = record("t1", Phase.STOPPED, 5).compacted(T0).build();
            assertInstanceOf(Decision.Skip.class, retentionDue(compacted));
        }

        @Test
        void aCompactedTaskStaysDeadWhateverArrivesLate() {
            TaskRecord compacted = record("t1", Phase.STOPPED, 5).agentReport(2, "f").agentState(AgentState.FINISHED)
                    .outcome(Outcome.FINISHED).compacted(T0.plusSeconds(retain)).build();
            Lifecycle later = at(T0.plusSeconds(retain + 3600));
            for (TaskEvent late : List.of(agent("t1", AgentState.RUNNING, 1, "old"),
                    agent("t1", AgentState.RUNNING, 99_999, "new"), stop("t1"), ecs("t1", Phase.RUNNING, 9),
                    launch("t1", false, false))) {
                switch (later.decide(late, compacted, NO_OTHER_TASKS)) {
                    case Decision.Write write -> assertNull(write.change().moveTo(), late + " moved a compacted task");
                    case Decision.Skip skip -> assertTrue(Set.of(Verdict.STALE, Verdict.UNCHANGED)
                            .contains(skip.verdict()), late + ": " + skip);
                    case Decision.Reject reject -> { } // REJECTED (and killed, if it says it runs): not moved
                    case Decision.Refuse refuse -> { } // not this task's kind of source: INVALID
                }
            }
        }
    }

    /** Which wait a write leaves its task on: the sweep index entry it writes. */
    @Nested
    class WhichTimer {

        private static Timer.Change after(TaskChange change, TaskRecord decidedOn) {
            return Timer.after(change, decidedOn);
        }

        private static Timer started(Timer.Change change) {
            return assertInstanceOf(Timer.Started.class, change).timer();
        }

        @Test
        void aLaunchIntoPendingStartsTheLaunchTimerAndAnAgentsFirstReportStartsNone() {
            assertEquals(Timer.LAUNCH, started(after(LIFECYCLE.firstAttempt(launch("t1", false, false)), null)));
            assertEquals(Timer.STEP, started(after(LIFECYCLE.firstAttempt(launch("t1", true, false)), null)));
            assertInstanceOf(Timer.Cleared.class, after(LIFECYCLE.firstAttempt(agent("t1", AgentState.STAGING, 1,
                    "s")), null));
        }

        @Test
        void provisioningDoneStartsTheLaunchTimerOfALaunchedTask() {
            TaskRecord provisioning = record("t1", Phase.PROVISIONING, 1).steps(Step.PROVISIONING,
                    Step.DEPROVISIONING).launchedAt(T0).build();
            TaskChange done = write(LIFECYCLE.decide(Fixtures.stepDone("t1", Step.PROVISIONING, true), provisioning,
                    NO_OTHER_TASKS));
            assertEquals(Timer.LAUNCH, started(after(done, provisioning)));
        }

        @Test
        void stoppingStartsTheKillTimerOnlyWithAKillAndAKillAgainRestartsIt() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).agentReport(2, "r").build();
            assertEquals(Timer.KILL, started(after(write(LIFECYCLE.decide(stop("t1"), running, NO_OTHER_TASKS)),
                    running)));
            assertInstanceOf(Timer.Cleared.class, after(write(LIFECYCLE.decide(agent("t1", AgentState.KILLING, 9,
                    "k"), running, NO_OTHER_TASKS)), running));
            TaskChange again = write(LIFECYCLE.decide(new SweepFinding(T0.plusSeconds(KILL_RETRY), "t1",
                    Finding.KILL_RETRY_DUE, Phase.STOPPING, 5), stopping(), NO_OTHER_TASKS));
            Timer.Started restarted = assertInstanceOf(Timer.Started.class, after(again, stopping()));
            assertEquals(Timer.KILL, restarted.timer());
            assertEquals(again.at(), restarted.since());
        }

        @Test
        void anEcsTaskInAStepPhaseOfItsOwnWaitsOnNoStepOfOurs() {
            assertInstanceOf(Timer.Cleared.class, after(LIFECYCLE.firstAttempt(ecs("e1", Phase.DEACTIVATING, 5)),
                    null));
        }

        @Test
        void anExpungedTaskWaitsForItsTombstoneOnlyOnceStoppedItsUndoStepsFirst() {
            TaskRecord unreachable = record("t1", Phase.UNREACHABLE, 7).steps(Step.values()).build();
            TaskChange expired = write(LIFECYCLE.decide(new SweepFinding(T0.plusSeconds(901), "t1",
                    Finding.UNREACHABLE_EXPIRED, Phase.UNREACHABLE, 7), unreachable, NO_OTHER_TASKS));
            assertEquals(Timer.STEP, started(after(expired, unreachable)), "its deactivation is timed first");

            TaskRecord deprovisioning = record("t1", Phase.DEPROVISIONING, 9).steps(Step.values())
                    .agentState(AgentState.UNKNOWN).outcome(Outcome.UNKNOWN).expunged(T0, null).build();
            TaskChange stopped = write(LIFECYCLE.decide(Fixtures.stepDone("t1", Step.DEPROVISIONING, true),
                    deprovisioning, NO_OTHER_TASKS));
            Timer.Started tombstone = assertInstanceOf(Timer.Started.class, after(stopped, deprovisioning));
            assertEquals(Timer.TOMBSTONE, tombstone.timer());
            assertEquals(Instant.ofEpochSecond(deprovisioning.tombstoneUntil()), tombstone.since());
        }

        @Test
        void aWriteThatMovesNothingLeavesTheTimerAsItIs() {
            TaskRecord running = record("t1", Phase.RUNNING, 3).agentReport(2, "r").build();
            TaskChange update = write(LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 9, "again"), running,
                    NO_OTHER_TASKS));
            assertInstanceOf(Timer.Kept.class, after(update, running));
        }
    }
}
