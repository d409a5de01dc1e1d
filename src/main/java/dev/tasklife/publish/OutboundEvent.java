package dev.tasklife.publish;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An event to publish. {@code detail.eventId} is the idempotency key consumers drop duplicates by: EventBridge
 * assigns its own envelope id on every PutEvents, so the stable id travels in the detail.
 */
public record OutboundEvent(String detailType, ObjectNode detail) {

    public String eventId() {
        return detail.path("eventId").asText();
    }
}
