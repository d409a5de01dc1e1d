package dev.tasklife.handler;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.OutboundEvent;
import dev.tasklife.publish.PublishFailedException;
import dev.tasklife.service.FollowUps;
import dev.tasklife.store.StreamRecords;
import dev.tasklife.store.StreamRecords.Change;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The publisher function ({@code QUARKUS_LAMBDA_HANDLER=publisher}), fed by the task table's DynamoDB stream:
 * publishes what each write said, in order. When EventBridge does not take an event, it answers the failed record
 * as a batch item failure: Lambda hands the stream back from that record, until it goes through (or the record
 * reaches the on-failure destination). Retries repeat events with the same ids, which consumers drop.
 */
@Named("publisher")
public class PublisherHandler extends JsonFunction {

    private static final Logger LOG = Logger.getLogger(PublisherHandler.class);

    private final EventPublisher publisher;

    @Inject
    public PublisherHandler(EventPublisher publisher, EmbeddedMetrics metrics) {
        super(metrics);
        this.publisher = publisher;
    }

    @Override
    ObjectNode answer(JsonNode streamEvent, Context context) throws InvalidEventException {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        var failures = answer.putArray("batchItemFailures");
        int published = 0;
        for (Change change : StreamRecords.read(streamEvent)) {
            String failure = change.unreadable();
            if (failure == null) {
                try {
                    List<OutboundEvent> events = FollowUps.of(change.before(), change.after());
                    publisher.publish(events);
                    published += events.size();
                    continue;
                } catch (SdkException | PublishFailedException e) {
                    failure = e.getMessage();
                } catch (RuntimeException e) {
                    failure = "images that make no follow-up: " + e;
                }
            }
            // This record and everything after it are handed back by Lambda; the ones before are done. A record
            // that cannot be read is never passed over: it is retried, then kept by the on-failure destination.
            if (change.sequenceNumber() == null) {
                throw new UnpublishedBatchException("a stream record without a sequence number failed: " + failure);
            }
            LOG.warnf("stream record %s not published, handing it back: %s", change.sequenceNumber(), failure);
            failures.addObject().put("itemIdentifier", change.sequenceNumber());
            break;
        }
        answer.put("published", published);
        return answer;
    }

    /** A batch that is not a stream batch at all fails the invocation: Lambda retries it, then keeps it. */
    @Override
    ObjectNode invalid(InvalidEventException e) {
        throw new UnpublishedBatchException("unreadable stream batch: " + e.getMessage());
    }

    /** Fails the invocation so that Lambda hands the whole batch back (bisecting it) and never checkpoints it. */
    static final class UnpublishedBatchException extends RuntimeException {
        UnpublishedBatchException(String message) {
            super(message);
        }
    }

    /** A batch of stream records arrives as one payload of up to Lambda's limit. */
    @Override
    int maxInputBytes() {
        return JsonFields.MAX_LAMBDA_PAYLOAD_BYTES;
    }

    @Override
    Map<String, ? extends Number> counts(ObjectNode answer) {
        return Map.of("Published", answer.path("published").asInt(),
                "PublishFailures", answer.path("batchItemFailures").size());
    }
}
