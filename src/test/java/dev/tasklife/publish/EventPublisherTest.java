package dev.tasklife.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

@ExtendWith(MockitoExtension.class)
class EventPublisherTest {

    @Mock
    EventBridgeClient eventBridge;

    private static OutboundEvent event(String id) {
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("eventId", id);
        return new OutboundEvent("Task State Changed", detail);
    }

    private static PutEventsResultEntry ok() {
        return PutEventsResultEntry.builder().eventId("eb-" + Math.random()).build();
    }

    private static PutEventsResultEntry refused() {
        return PutEventsResultEntry.builder().errorCode("ThrottlingException").errorMessage("slow down").build();
    }

    @Test
    void entriesGoToTheConfiguredBusWithSourceDetailTypeAndDetail() {
        when(eventBridge.putEvents(any(PutEventsRequest.class))).thenReturn(PutEventsResponse.builder()
                .failedEntryCount(0).entries(ok()).build());
        new EventPublisher(eventBridge, "lifecycle-bus", "dev.tasklife").publish(List.of(event("a")));
        ArgumentCaptor<PutEventsRequest> captor = ArgumentCaptor.forClass(PutEventsRequest.class);
        verify(eventBridge).putEvents(captor.capture());
        PutEventsRequestEntry entry = captor.getValue().entries().get(0);
        assertEquals("lifecycle-bus", entry.eventBusName());
        assertEquals("dev.tasklife", entry.source());
        assertEquals("Task State Changed", entry.detailType());
        assertEquals("{\"eventId\":\"a\"}", entry.detail());
    }

    @Test
    void onlyTheEntriesPutEventsRefusedAreSentAgain() {
        List<List<String>> sent = new ArrayList<>();
        when(eventBridge.putEvents(any(PutEventsRequest.class))).thenAnswer(call -> {
            PutEventsRequest request = call.getArgument(0);
            sent.add(request.entries().stream().map(PutEventsRequestEntry::detail).toList());
            return sent.size() == 1
                    ? PutEventsResponse.builder().failedEntryCount(1).entries(ok(), refused(), ok()).build()
                    : PutEventsResponse.builder().failedEntryCount(0).entries(ok()).build();
        });
        new EventPublisher(eventBridge, "bus", "src").publish(List.of(event("a"), event("b"), event("c")));
        assertEquals(List.of("{\"eventId\":\"b\"}"), sent.get(1));
        assertEquals(2, sent.size());
    }

    @Test
    void anEntryRefusedEveryTimeFailsThePublishSoLambdaRetries() {
        when(eventBridge.putEvents(any(PutEventsRequest.class))).thenReturn(PutEventsResponse.builder()
                .failedEntryCount(1).entries(refused()).build());
        PublishFailedException error = assertThrows(PublishFailedException.class,
                () -> new EventPublisher(eventBridge, "bus", "src").publish(List.of(event("a"))));
        assertEquals("1 event(s) not accepted by EventBridge bus bus, first a", error.getMessage());
        verify(eventBridge, times(3)).putEvents(any(PutEventsRequest.class));
    }

    @Test
    void refusedEntriesAreSentAgainOnlyAfterAJitteredPauseThatGrows() {
        when(eventBridge.putEvents(any(PutEventsRequest.class))).thenReturn(PutEventsResponse.builder()
                .failedEntryCount(1).entries(refused()).build());
        List<Long> pauses = new ArrayList<>();
        assertThrows(PublishFailedException.class, () -> new EventPublisher(eventBridge, "bus", "src", pauses::add)
                .publish(List.of(event("a"))));
        assertEquals(2, pauses.size(), "a pause before each of the two resends, none after the last attempt");
        assertTrue(pauses.get(0) >= 0 && pauses.get(0) <= 100, "first pause below 100 ms: " + pauses);
        assertTrue(pauses.get(1) >= 0 && pauses.get(1) <= 200, "second pause below 200 ms: " + pauses);
    }

    @Test
    void moreThanTenEventsAreSentInCallsOfTen() {
        when(eventBridge.putEvents(any(PutEventsRequest.class))).thenReturn(PutEventsResponse.builder()
                .failedEntryCount(0).build());
        new EventPublisher(eventBridge, "bus", "src").publish(IntStream.range(0, 23)
                .mapToObj(i -> event("e" + i)).toList());
        ArgumentCaptor<PutEventsRequest> captor = ArgumentCaptor.forClass(PutEventsRequest.class);
        verify(eventBridge, times(3)).putEvents(captor.capture());
        assertEquals(List.of(10, 10, 3), captor.getAllValues().stream().map(r -> r.entries().size()).toList());
    }
}
