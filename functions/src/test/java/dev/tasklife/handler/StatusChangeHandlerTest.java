package dev.tasklife.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.emulated.Invocations;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.Verdict;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.service.StatusChangeService;

@ExtendWith(MockitoExtension.class)
class StatusChangeHandlerTest {

    @Mock
    StatusChangeService service;

    private JsonNode invoke(byte[] input) {
        return Invocations.invoke(new StatusChangeHandler(service, Fixtures.ADMISSION, Fixtures.NO_METRICS), input);
    }

    @Test
    void aValidEventIsAppliedAndTheVerdictReturned() throws Exception {
        when(service.apply(any(TaskEvent.class))).thenReturn(new StatusChangeResult(Verdict.APPLIED,
                "c13b4cb40f1f4fe4a2971f76ae5a47ad", "3317b2af", Phase.PENDING, Phase.RUNNING, 3, null));
        JsonNode answer = invoke(Files.readAllBytes(ProjectFiles.resolve("events", "ecs-task-running.json")));
        assertEquals("APPLIED", answer.get("verdict").asText());
        assertEquals("PENDING", answer.get("from").asText());
        assertEquals("RUNNING", answer.get("to").asText());
    }

    @Test
    void malformedInputIsAnsweredInvalidWithoutTouchingTheService() throws Exception {
        JsonNode answer = invoke("{\"detail-type\": ".getBytes(StandardCharsets.UTF_8));
        assertEquals("INVALID", answer.get("verdict").asText());
        assertFalse(answer.get("error").asText().contains("at "), "no stack trace in the answer");
        verify(service, never()).apply(any());
    }
}
