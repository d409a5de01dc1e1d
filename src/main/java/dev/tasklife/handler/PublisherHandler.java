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
            List<OutboundEvent> events = FollowUps.of(change.before(), change.after());
            try {
                publisher.publish(events);
                published += events.size();
            } catch (SdkException | PublishFailedException e) {
                // Everything from this record on is handed back by Lambda; the ones before are done.
                LOG.warnf("publishing stream record %s failed, handing it back: %s", change.sequenceNumber(),
                        e.getMessage());
                failures.addObject().put("itemIdentifier", change.sequenceNumber());
                break;
            }
        }
        answer.put("published", published);
        return answer;
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
