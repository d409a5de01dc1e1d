package dev.tasklife.handler;

import static dev.tasklife.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.Phase;
import dev.tasklife.emulated.Invocations;
import dev.tasklife.store.TaskStore;

@ExtendWith(MockitoExtension.class)
class DescribeHandlerTest {

    @Mock
    TaskStore store;

    private JsonNode describe(String input) {
        return Invocations.invoke(new DescribeHandler(store, Fixtures.NO_METRICS), input);
    }

    @Test
    void aKnownTaskIsDescribedWithItsStateHistoryAndLineage() throws Exception {
        when(store.find("t1")).thenReturn(Optional.of(record("t1", Phase.RUNNING, 3).build()));
        JsonNode answer = describe("{\"taskId\":\"t1\"}");
        assertTrue(answer.get("found").asBoolean());
        assertEquals("RUNNING", answer.at("/task/lastStatus").asText());
        assertEquals("RUNNING", answer.at("/task/desiredStatus").asText());
        assertEquals(3, answer.at("/task/version").asLong());
        assertEquals("RUNNING", answer.at("/history/0/to").asText());
        assertTrue(answer.at("/history/0/from").isNull());
        assertTrue(answer.has("lineage"));
    }

    @Test
    void anUnknownTaskGetsAClearNotFound() throws Exception {
        when(store.find("nope")).thenReturn(Optional.empty());
        JsonNode answer = describe("{\"taskId\":\"nope\"}");
        assertFalse(answer.get("found").asBoolean());
        assertEquals("TaskNotFound", answer.get("error").asText());
    }

    @Test
    void aMissingTaskIdIsInvalid() throws Exception {
        JsonNode answer = describe("{\"task\":\"t1\"}");
        assertEquals("INVALID", answer.get("verdict").asText());
        assertEquals("taskId is required", answer.get("error").asText());
        verifyNoInteractions(store);
    }
}
