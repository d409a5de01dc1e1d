package dev.tasklife.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Fixtures;
import dev.tasklife.emulated.Invocations;
import dev.tasklife.input.JsonFields;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.OutboundEvent;

/**
 * The publisher never lets Lambda checkpoint past a stream record it did not publish (lifecycle.md, "Events out": a
 * follow-up is never lost when the write succeeded): an unreadable record is handed back like a failed one.
 */
@ExtendWith(MockitoExtension.class)
class PublisherHandlerTest {

    @Mock
    EventPublisher publisher;

    /** A stream record of a task's creation in RUNNING, as Lambda delivers it. */
    private static String created(String sequenceNumber, String taskId, String lastStatus) {
        return """
                {"eventName":"INSERT","eventSource":"aws:dynamodb","dynamodb":{"SequenceNumber":"%s",
                 "StreamViewType":"NEW_AND_OLD_IMAGES","Keys":{"taskId":{"S":"%s"}},
                 "NewImage":{"taskId":{"S":"%s"},"lastStatus":{"S":"%s"},"version":{"N":"1"},
                  "history":{"L":[{"M":{"to":{"S":"%s"},"cause":{"S":"e1"},"key":{"S":"ecs:1"},
                   "at":{"S":"2026-11-25T10:00:00Z"}}}]},
                  "createdAt":{"S":"2026-11-25T10:00:00Z"},"updatedAt":{"S":"2026-11-25T10:00:00Z"}}}}"""
                .formatted(sequenceNumber, taskId, taskId, lastStatus, lastStatus);
    }

    private JsonNode invoke(String batch) {
        return Invocations.invoke(new PublisherHandler(publisher, Fixtures.NO_METRICS), batch);
    }

    @Test
    void anUnreadableRecordIsHandedBackWithEverythingAfterItNeverPassedOver() throws Exception {
        String batch = "{\"Records\":[" + created("100", "t1", "RUNNING") + ","
                + created("200", "t2", "SLEEPING") + "," + created("300", "t3", "RUNNING") + "]}";

        JsonNode answer = invoke(batch);

        assertEquals("200", answer.at("/batchItemFailures/0/itemIdentifier").asText(), answer.toString());
        assertEquals(1, answer.path("batchItemFailures").size());
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<OutboundEvent>> published = ArgumentCaptor.forClass(List.class);
        verify(publisher, times(1)).publish(published.capture());
        assertEquals("t1", published.getValue().get(0).detail().get("taskId").asText(), "only the record before");
    }

    @Test
    void aWriteRecordWhoseNewImageHoldsNoTaskIsHandedBackNotTakenForARemoval() throws Exception {
        String batch = "{\"Records\":[" + created("100", "t1", "RUNNING").replace("\"NewImage\":{\"taskId\":{\"S\":\"t1\"},",
                "\"NewImage\":{") + "]}";
        assertEquals("100", invoke(batch).at("/batchItemFailures/0/itemIdentifier").asText());
    }

    @Test
    void aRecordWhoseImagesMakeNoFollowUpIsHandedBackAlone() throws Exception {
        // An expunged task created without any history: nothing can name the move that expunged it.
        String odd = """
                {"eventName":"INSERT","eventSource":"aws:dynamodb","dynamodb":{"SequenceNumber":"200",
                 "NewImage":{"taskId":{"S":"t2"},"lastStatus":{"S":"STOPPED"},"version":{"N":"1"},
                  "expungedAt":{"S":"2026-11-25T10:00:00Z"},"tombstoneUntil":{"N":"1795000000"},
                  "createdAt":{"S":"2026-11-25T10:00:00Z"},"updatedAt":{"S":"2026-11-25T10:00:00Z"}}}}""";
        String batch = "{\"Records\":[" + created("100", "t1", "RUNNING") + "," + odd + "]}";
        assertEquals("200", invoke(batch).at("/batchItemFailures/0/itemIdentifier").asText());
    }

    @Test
    void anUnreadableRecordWithoutASequenceNumberFailsTheWholeBatch() {
        String batch = "{\"Records\":[" + created("100", "t1", "RUNNING").replace("\"SequenceNumber\":\"100\",", "")
                .replace("\"RUNNING\"", "\"SLEEPING\"") + "]}";
        assertThrows(RuntimeException.class, () -> invoke(batch));
    }

    @Test
    void inputThatIsNoStreamBatchFailsTheInvocationInsteadOfBeingAnsweredInvalid() {
        assertThrows(RuntimeException.class, () -> invoke("{\"Records\":\"none\"}"));
        assertThrows(RuntimeException.class, () -> invoke("not json"));
    }

    /**
     * A batch Lambda kept in the stream-failures bucket, in the documented shape of its S3 on-failure record: its
     * {@code payload} is the original batch as text, and handed to the publisher as it is, it is published.
     */
    @Test
    void aBatchKeptByTheS3OnFailureDestinationIsRepublishedFromItsPayload() throws Exception {
        ObjectNode failureRecord = JsonFields.mapper().createObjectNode();
        failureRecord.putObject("requestContext").put("condition", "MaximumRecordAgeExceeded")
                .put("approximateInvokeCount", 12);
        failureRecord.putObject("DDBStreamBatchInfo").put("startSequenceNumber", "100")
                .put("endSequenceNumber", "100").put("batchSize", 1);
        failureRecord.put("version", "1.0");
        failureRecord.put("payload", "{\"Records\":[" + created("100", "t1", "RUNNING") + "]}");

        JsonNode answer = invoke(JsonFields.mapper().readTree(failureRecord.toString()).get("payload").asText());

        assertEquals(0, answer.path("batchItemFailures").size());
        verify(publisher).publish(anyList());
    }
}
