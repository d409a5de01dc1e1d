package dev.tasklife.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.Invocations;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.service.StatusChangeService;
import dev.tasklife.store.ConditionalWrite;
import dev.tasklife.store.TaskReads;
import dev.tasklife.store.WriteResult;

@ExtendWith(MockitoExtension.class)
class StatusChangeHandlerTest {

    @Mock
    StatusChangeService service;
    @Mock
    ConditionalWrite writes;
    @Mock
    TaskReads tasks;
    @Mock
    EventPublisher publisher;

    private JsonNode invoke(byte[] input) {
        return Invocations.invoke(new StatusChangeHandler(service, Fixtures.ADMISSION, Fixtures.NO_METRICS), input);
    }

    @Test
    void aValidEventIsAppliedAndTheVerdictReturned() throws Exception {
        when(service.apply(any(TaskEvent.class))).thenReturn(new StatusChangeResult(Verdict.APPLIED,
                "c13b4cb40f1f4fe4a2971f76ae5a47ad", "3317b2af", Phase.RUNNING,
                new StatusChangeResult.Move(Phase.PENDING, Phase.RUNNING), null, 3, null, null));
        JsonNode answer = invoke(Files.readAllBytes(ProjectFiles.resolve("events", "ecs-task-running.json")));
        assertEquals("APPLIED", answer.get("verdict").asText());
        assertEquals("RUNNING", answer.get("phase").asText());
    }

    @Test
    void malformedInputIsAnsweredInvalidWithoutTouchingTheService() throws Exception {
        JsonNode answer = invoke("{\"detail-type\": ".getBytes(StandardCharsets.UTF_8));
        assertEquals("INVALID", answer.get("verdict").asText());
        assertFalse(answer.get("error").asText().contains("at "), "no stack trace in the answer");
        verify(service, never()).apply(any());
    }

    /** The answer the real service gives to {@code event}, over a store whose write finds {@code found}. */
    private JsonNode answerOn(TaskRecord found, TaskEvent event) {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(new WriteResult(false, found, false));
        return StatusChangeHandler.verdict(new StatusChangeService(writes, tasks, publisher, Fixtures.LIFECYCLE).apply(event));
    }

    @Test
    void aRejectedAnswerSaysThePhaseTheTaskStaysInAndThePhaseRequested() {
        JsonNode answer = answerOn(Fixtures.record("t1", Phase.RUNNING, 5).build(),
                Fixtures.agent("t1", AgentState.STAGING, 3, "u1"));
        assertEquals("REJECTED", answer.path("verdict").asText(), answer.toString());
        assertEquals("RUNNING", answer.path("phase").asText(), answer.toString());
        assertEquals("PENDING", answer.path("requested").asText(), answer.toString());
        assertFalse(answer.has("move"), "nothing moved: " + answer);
        assertEquals(5, answer.path("version").asLong());
    }

    @Test
    void aStaleAnswerSaysThePhaseTheStaleReportRequested() {
        JsonNode answer = answerOn(Fixtures.record("t1", Phase.RUNNING, 3).ecsVersion(4).build(),
                Fixtures.ecs("t1", Phase.PENDING, 2));
        assertEquals("STALE", answer.path("verdict").asText(), answer.toString());
        assertEquals("RUNNING", answer.path("phase").asText(), answer.toString());
        assertEquals("PENDING", answer.path("requested").asText(), answer.toString());
        assertFalse(answer.has("move"), "nothing moved: " + answer);
    }

    @Test
    void anUpdatedAnswerSaysThePhaseAndNoMove() {
        TaskRecord running = Fixtures.record("t1", Phase.RUNNING, 3).ecsVersion(4).build();
        when(writes.apply(any(TaskChange.class), any())).thenReturn(new WriteResult(false, running, false),
                new WriteResult(true, Fixtures.record("t1", Phase.RUNNING, 4).ecsVersion(5).build(), false));
        JsonNode answer = StatusChangeHandler.verdict(new StatusChangeService(writes, tasks, publisher, Fixtures.LIFECYCLE)
                .apply(Fixtures.ecs("t1", Phase.RUNNING, 5)));
        assertEquals("UPDATED", answer.path("verdict").asText(), answer.toString());
        assertEquals("RUNNING", answer.path("phase").asText(), answer.toString());
        assertFalse(answer.has("move"), "nothing moved: " + answer);
        assertFalse(answer.has("requested"), answer.toString());
        assertEquals(4, answer.path("version").asLong());
    }

    @Test
    void anAppliedAnswerSaysTheMoveAndThePhaseItLeftTheTaskIn() {
        when(writes.apply(any(TaskChange.class), any())).thenReturn(
                new WriteResult(false, Fixtures.record("t1", Phase.PENDING, 2).ecsVersion(2).build(), false),
                new WriteResult(true, Fixtures.record("t1", Phase.RUNNING, 3).ecsVersion(4).build(), false));
        JsonNode answer = StatusChangeHandler.verdict(new StatusChangeService(writes, tasks, publisher, Fixtures.LIFECYCLE)
                .apply(Fixtures.ecs("t1", Phase.RUNNING, 4)));
        assertEquals("APPLIED", answer.path("verdict").asText(), answer.toString());
        assertEquals("RUNNING", answer.path("phase").asText(), answer.toString());
        assertEquals("PENDING", answer.path("move").path("from").asText(), answer.toString());
        assertEquals("RUNNING", answer.path("move").path("to").asText(), answer.toString());
        assertFalse(answer.has("requested"), answer.toString());
        assertFalse(answer.has("from") || answer.has("to"), "a move is only ever named move: " + answer);
    }
}
