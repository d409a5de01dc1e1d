package dev.tasklife;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.JsonFields;

/**
 * An EventBridge envelope as a sender puts it on the bus (the shape of the samples in {@code events/}): version "0",
 * a UUID id, the sample account, us-west-2, no resources; the caller adds the detail.
 */
public final class Envelopes {

    private Envelopes() {
    }

    public static ObjectNode envelope(String detailType, String source, Instant time) {
        ObjectNode envelope = JsonFields.mapper().createObjectNode();
        envelope.put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", detailType)
                .put("source", source).put("account", Fixtures.ACCOUNT).put("time", time.toString())
                .put("region", "us-west-2").putArray("resources");
        return envelope;
    }
}
