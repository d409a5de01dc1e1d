package dev.tasklife.service;

import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Lifecycle;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.OutboundEvent;
import dev.tasklife.store.ConditionalWrite;
import dev.tasklife.store.TaskReads;
import dev.tasklife.store.WriteResult;

@ExtendWith(MockitoExtension.class)
class StatusChangeServiceTest {

    private static final Lifecycle LIFECYCLE = Fixtures.LIFECYCLE;

    @Mock
    ConditionalWrite writes;

    @Mock
    TaskReads tasks;
    @Mock
    EventPublisher publisher;

    private List<OutboundEvent> published() {
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<OutboundEvent>> captor = ArgumentCaptor.forClass(List.class);
        verify(publisher).publish(captor.capture());
        return captor.getValue();
    }

    /** The record after a first move into {@code phase} made by the given event key. */
    private static TaskRecord createdIn(Phase phase, String cause, String key) {
        TaskRecord base = record("t1", phase, 1).ecsVersion(4).build();
        return new TaskRecord(base.taskId(), phase, base.desiredStatus(), null, null, null, 1, 4L, null, null,
                Set.of(key), Set.of(), base.cluster(), base.taskArn(), null, null, null, null, null,
                false, false, null, null, null, null, null, null, null, 0, null, null, null, null, null, 0, null,
                List.of(new HistoryEntry(phase, cause, key, Fixtures.T0)), base.createdAt(),
                base.updatedAt(), null);
    }

    @Test
    void anAcceptedMoveIsOneWriteAndLeavesPublishingToTheStream() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(true, createdIn(Phase.RUNNING, "ecs-t1-4", "ecs:4"), false));
        StatusChangeResult result = new StatusChangeService(writes, tasks, publisher, LIFECYCLE).apply(ecs("t1", Phase.RUNNING, 4));

        assertEquals(Verdict.APPLIED, result.verdict());
        assertEquals(Phase.RUNNING, result.phase());
        assertEquals(new StatusChangeResult.Move(null, Phase.RUNNING), result.move(), "the move that created it");
        verify(writes, times(1)).apply(any(TaskChange.class), any());
        verify(publisher, never()).publish(any());
    }

    @Test
    void theStreamRecordOfThatWriteBecomesTaskStateChangedWithAStableId() {
        List<OutboundEvent> events = FollowUps.of(null, createdIn(Phase.RUNNING, "ecs-t1-4", "ecs:4"));
        assertEquals(1, events.size());
        OutboundEvent event = events.get(0);
        assertEquals(EventTypes.TASK_STATE_CHANGED, event.detailType());
        assertEquals("RUNNING", event.detail().get("to").asText());
        assertEquals(1, event.detail().get("version").asLong());
        assertEquals(LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:4"), event.eventId());
        assertEquals(events, FollowUps.of(null, createdIn(Phase.RUNNING, "ecs-t1-4", "ecs:4")),
                "the same write read again yields the same events");
    }

    @Test
    void anIllegalMoveIsRejectedPublishedAndAnsweredNotThrown() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(false, record("t1", Phase.RUNNING, 5).build(), false));
        StatusChangeResult result = new StatusChangeService(writes, tasks, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.STAGING, 3, "u1"));

        assertEquals(Verdict.REJECTED, result.verdict());
        assertEquals("RUNNING -> PENDING is not an allowed move", result.why());
        verify(writes, times(1)).apply(any(TaskChange.class), any());
        List<OutboundEvent> events = published();
        assertEquals(1, events.size(), "a rejection, and no kill request for a task that is not stopped");
        OutboundEvent event = events.get(0);
        assertEquals(EventTypes.TASK_TRANSITION_REJECTED, event.detailType());
        assertEquals("RUNNING -> PENDING is not an allowed move", event.detail().get("why").asText());
    }

    @Test
    void theRejectionPublishedNamesThePhaseAndTheRequestAsTheAnswerDoes() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(false, record("t1", Phase.RUNNING, 5).build(), false));
        new StatusChangeService(writes, tasks, publisher, LIFECYCLE).apply(agent("t1", AgentState.STAGING, 3, "u1"));

        JsonNode detail = published().get(0).detail();
        assertEquals("RUNNING", detail.path("phase").asText(), detail.toString());
        assertEquals("PENDING", detail.path("requested").asText(), detail.toString());
        assertEquals(false, detail.has("currentStatus"), "one name for the phase: " + detail);
    }

    @Test
    void aStoppedTaskReportedRunningIsRejectedAndItsKillRequested() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(false, record("t1", Phase.STOPPED, 5).build(), false));
        StatusChangeResult result = new StatusChangeService(writes, tasks, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.RUNNING, 3, "u1"));

        assertEquals(Verdict.REJECTED, result.verdict());
        List<OutboundEvent> events = published();
        assertEquals(List.of(EventTypes.TASK_TRANSITION_REJECTED, EventTypes.TASK_KILL_REQUESTED),
                events.stream().map(OutboundEvent::detailType).toList());
        assertEquals("agent-1", events.get(1).detail().get("agentId").asText(), "the agent that runs it");
        assertEquals(LifecycleEvents.stableId(EventTypes.TASK_KILL_REQUESTED, "t1", "agent:u1"),
                events.get(1).eventId(), "stable across retries");
    }

    @Test
    void aDuplicateSucceedsWithoutWritingAgainOrPublishing() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(false, record("t1", Phase.RUNNING, 2).applied("agent:u1").build(), false));
        StatusChangeResult result = new StatusChangeService(writes, tasks, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.RUNNING, 3, "u1"));
        assertEquals(Verdict.DUPLICATE, result.verdict());
        verify(writes, times(1)).apply(any(TaskChange.class), any());
        verify(publisher, never()).publish(any());
    }

    @Test
    void whenTheBlindGuessIsWrongTheRecordItReturnedDecidesTheSecondWrite() {
        TaskRecord activating = record("t1", Phase.PENDING, 2).steps(Step.ACTIVATION).build();
        TaskRecord after = createdIn(Phase.ACTIVATING, "agent-u1", "agent:u1");
        ArgumentCaptor<TaskChange> changes = ArgumentCaptor.forClass(TaskChange.class);
        when(writes.apply(changes.capture(), any())).thenReturn(new WriteResult(false, activating, false),
                new WriteResult(true, after, false));

        StatusChangeResult result = new StatusChangeService(writes, tasks, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.RUNNING, 3, "u1"));

        assertEquals(Verdict.APPLIED, result.verdict());
        assertEquals(Phase.RUNNING, changes.getAllValues().get(0).moveTo());
        assertEquals(Phase.ACTIVATING, changes.getAllValues().get(1).moveTo());
        assertEquals(2L, changes.getAllValues().get(1).guard().version());
    }

    @Test
    void aComebackWhoseReplacementChangedMeanwhileIsDecidedAgainOnTheReplacementReadAnew() {
        TaskRecord away = record("t1", Phase.UNREACHABLE, 5).service("webapp").agentReport(2, "u1")
                .replacedBy("r1").build();
        TaskRecord running = record("r1", Phase.RUNNING, 7).service("webapp").build();
        TaskRecord finished = record("r1", Phase.STOPPED, 8).service("webapp").build();
        when(tasks.find("r1")).thenReturn(Optional.of(running), Optional.of(finished));
        ArgumentCaptor<TaskChange> changes = ArgumentCaptor.forClass(TaskChange.class);
        // The blind attempt meets the record; the first decision's transaction finds r1 changed; the second holds.
        when(writes.apply(changes.capture(), any())).thenReturn(new WriteResult(false, away, false),
                new WriteResult(false, away, false), new WriteResult(true, null, false));

        StatusChangeResult result = new StatusChangeService(writes, tasks, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.RUNNING, 30, "back"));

        assertEquals(Verdict.APPLIED, result.verdict());
        List<TaskChange> tried = changes.getAllValues();
        assertEquals(1, tried.get(1).companions().size(), "first decided with r1 running: r1 is stopped with it");
        assertEquals(List.of(), tried.get(2).companions(), "then with r1 finished: no surplus");
        assertEquals(Phase.RUNNING, tried.get(2).moveTo());
        assertEquals("r1", tried.get(2).releasedReplacement());
    }

    @Test
    void aRecordThatKeepsChangingEndsInAnErrorLambdaRetries() {
        TaskRecord pending = record("t1", Phase.PENDING, 2).ecsVersion(2).build();
        when(writes.apply(any(TaskChange.class), any())).thenReturn(new WriteResult(false, pending, false));
        ConcurrentUpdateException error = assertThrows(ConcurrentUpdateException.class,
                () -> new StatusChangeService(writes, tasks, publisher, LIFECYCLE).apply(ecs("t1", Phase.RUNNING, 4)));
        assertEquals("task t1 changed under " + StatusChangeService.MAX_ATTEMPTS + " attempts to apply event ecs-t1-4",
                error.getMessage());
        verify(writes, times(StatusChangeService.MAX_ATTEMPTS)).apply(any(TaskChange.class), any());
        verify(publisher, never()).publish(any());
    }

    @Test
    void eventIdsAreTheSameForTheSameInputAndDifferForAnother() {
        assertEquals(LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:4"),
                LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:4"));
        assertEquals(false, LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:4")
                .equals(LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:5")));
    }

    /** A line the service logged, with the log context (MDC) it was logged in. */
    private record LogLine(String text, Map<String, String> context) {
    }

    /** What the service logs while {@code calls} run. */
    private static List<LogLine> logged(Runnable calls) {
        List<LogLine> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                Map<String, String> context = new HashMap<>();
                for (String field : List.of("taskId", "verdict", "move", "requested", "outcome")) {
                    context.put(field, String.valueOf(MDC.get(field)));
                }
                lines.add(new LogLine(ExtLogRecord.wrap(logRecord).getFormattedMessage(),
                        context));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(StatusChangeService.class.getName());
        logger.addHandler(capture);
        try {
            calls.run();
        } finally {
            logger.removeHandler(capture);
            MDC.clear();
        }
        return lines;
    }

    /** One sweep applies many events in one invocation: no log line may carry the event before's fields. */
    @Test
    void aLogLineCarriesNothingOfTheEventBefore() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(true, record("t1", Phase.STOPPED, 2).build(), false),
                new WriteResult(false, record("t2", Phase.RUNNING, 5).build(), false));
        StatusChangeService service = new StatusChangeService(writes, tasks, publisher, LIFECYCLE);
        List<LogLine> lines = logged(() -> {
            assertEquals(Verdict.APPLIED, service.apply(agent("t1", AgentState.FAILED, 3, "f1")).verdict());
            assertEquals(Verdict.REJECTED, service.apply(agent("t2", AgentState.STAGING, 3, "s1")).verdict());
        });
        Map<String, String> contextOfRejection = lines.get(1).context();
        assertEquals("t2", contextOfRejection.get("taskId"));
        assertEquals("null", contextOfRejection.get("move"), "the move of the event before");
        assertEquals("null", contextOfRejection.get("outcome"), "the outcome of the event before");
    }

    /** The log line and its context name what the answer names, with the same meaning. */
    @Test
    void theLogSaysThePhaseTheMoveAndTheRequestAsTheAnswerDoes() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(false, record("t1", Phase.PENDING, 2).ecsVersion(2).build(), false),
                new WriteResult(true, record("t1", Phase.RUNNING, 3).ecsVersion(4).build(), false),
                new WriteResult(false, record("t2", Phase.RUNNING, 5).build(), false));
        StatusChangeService service = new StatusChangeService(writes, tasks, publisher, LIFECYCLE);
        List<LogLine> lines = logged(() -> {
            service.apply(ecs("t1", Phase.RUNNING, 4));
            service.apply(agent("t2", AgentState.STAGING, 3, "s1"));
        });
        LogLine applied = lines.get(0);
        assertEquals("PENDING->RUNNING", applied.context().get("move"), applied.toString());
        assertTrue(applied.text().contains("verdict=APPLIED phase=RUNNING move=PENDING->RUNNING"), applied.text());
        LogLine rejected = lines.get(1);
        assertEquals("PENDING", rejected.context().get("requested"), rejected.toString());
        assertTrue(rejected.text().contains("verdict=REJECTED phase=RUNNING move=null requested=PENDING"),
                rejected.text());
    }
}
