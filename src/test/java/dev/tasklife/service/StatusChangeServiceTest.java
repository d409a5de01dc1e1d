package dev.tasklife.service;

import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.OutboundEvent;
import dev.tasklife.store.TaskStore;
import dev.tasklife.store.TaskStore.WriteResult;

@ExtendWith(MockitoExtension.class)
class StatusChangeServiceTest {

    private static final dev.tasklife.domain.Lifecycle LIFECYCLE = new dev.tasklife.domain.Lifecycle(
            dev.tasklife.domain.LifecyclePolicy.DEFAULTS);

    @Mock
    TaskStore store;
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
        return new TaskRecord(base.taskId(), phase, base.desiredStatus(), null, null, null, 1, 4L, null,
                java.util.Set.of(key), java.util.Set.of(), base.cluster(), base.taskArn(), null, null, null, null,
                false, null, null, null, null, List.of(new HistoryEntry(phase, cause, key, dev.tasklife.Fixtures.T0)), base.createdAt(),
                base.updatedAt());
    }

    @Test
    void anAcceptedMoveIsOneWriteAndLeavesPublishingToTheStream() {
        when(store.apply(any(TaskChange.class))).thenReturn(
                new WriteResult(true, createdIn(Phase.RUNNING, "ecs-t1-4", "ecs:4")));
        StatusChangeResult result = new StatusChangeService(store, publisher, LIFECYCLE).apply(ecs("t1", Phase.RUNNING, 4));

        assertEquals(Verdict.APPLIED, result.verdict());
        assertEquals(Phase.RUNNING, result.to());
        verify(store, times(1)).apply(any(TaskChange.class));
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
        when(store.apply(any(TaskChange.class))).thenReturn(
                new WriteResult(false, record("t1", Phase.STOPPED, 5).build()));
        StatusChangeResult result = new StatusChangeService(store, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.RUNNING, 3, "u1"));

        assertEquals(Verdict.REJECTED, result.verdict());
        assertEquals("STOPPED -> RUNNING is not an allowed move", result.why());
        verify(store, times(1)).apply(any(TaskChange.class));
        OutboundEvent event = published().get(0);
        assertEquals(EventTypes.TASK_TRANSITION_REJECTED, event.detailType());
        assertEquals("STOPPED", event.detail().get("currentStatus").asText());
        assertEquals("STOPPED -> RUNNING is not an allowed move", event.detail().get("why").asText());
    }

    @Test
    void aDuplicateSucceedsWithoutWritingAgainOrPublishing() {
        when(store.apply(any(TaskChange.class))).thenReturn(
                new WriteResult(false, record("t1", Phase.RUNNING, 2).applied("agent:u1").build()));
        StatusChangeResult result = new StatusChangeService(store, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.RUNNING, 3, "u1"));
        assertEquals(Verdict.DUPLICATE, result.verdict());
        verify(store, times(1)).apply(any(TaskChange.class));
        verify(publisher, never()).publish(any());
    }

    @Test
    void whenTheBlindGuessIsWrongTheRecordItReturnedDecidesTheSecondWrite() {
        TaskRecord activating = record("t1", Phase.PENDING, 2).steps(dev.tasklife.domain.Step.ACTIVATION).build();
        TaskRecord after = createdIn(Phase.ACTIVATING, "agent-u1", "agent:u1");
        ArgumentCaptor<TaskChange> changes = ArgumentCaptor.forClass(TaskChange.class);
        when(store.apply(changes.capture())).thenReturn(new WriteResult(false, activating),
                new WriteResult(true, after));

        StatusChangeResult result = new StatusChangeService(store, publisher, LIFECYCLE)
                .apply(agent("t1", AgentState.RUNNING, 3, "u1"));

        assertEquals(Verdict.APPLIED, result.verdict());
        assertEquals(Phase.RUNNING, changes.getAllValues().get(0).moveTo());
        assertEquals(Phase.ACTIVATING, changes.getAllValues().get(1).moveTo());
        assertEquals(2L, changes.getAllValues().get(1).guard().version());
    }

    @Test
    void aRecordThatKeepsChangingEndsInAnErrorLambdaRetries() {
        TaskRecord pending = record("t1", Phase.PENDING, 2).ecsVersion(2).build();
        when(store.apply(any(TaskChange.class))).thenReturn(new WriteResult(false, pending));
        ConcurrentUpdateException error = assertThrows(ConcurrentUpdateException.class,
                () -> new StatusChangeService(store, publisher, LIFECYCLE).apply(ecs("t1", Phase.RUNNING, 4)));
        assertEquals("task t1 changed under " + StatusChangeService.MAX_ATTEMPTS + " attempts to apply event ecs-t1-4",
                error.getMessage());
        verify(store, times(StatusChangeService.MAX_ATTEMPTS)).apply(any(TaskChange.class));
        verify(publisher, never()).publish(any());
    }

    @Test
    void eventIdsAreTheSameForTheSameInputAndDifferForAnother() {
        assertEquals(LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:4"),
                LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:4"));
        assertEquals(false, LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:4")
                .equals(LifecycleEvents.stableId(EventTypes.TASK_STATE_CHANGED, "t1", "ecs:5")));
    }
}
