package dev.tasklife.service;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Transition;
import dev.tasklife.publish.OutboundEvent;

/** The events the status-change function emits (lifecycle.md, "Events out"). */
final class LifecycleEvents {

    private LifecycleEvents() {
    }

    /**
     * The same input always yields the same id: it is derived from the task and the dedupe key of the event that
     * caused it, and an event causes at most one move.
     */
    static String stableId(String detailType, String taskId, String dedupeKey) {
        return UUID.nameUUIDFromBytes((detailType + '\n' + taskId + '\n' + dedupeKey)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** {@code Task State Changed}, from the record as the accepted move left it. */
    static OutboundEvent stateChanged(TaskEvent cause, TaskRecord after) {
        Transition move = after.lastTransition();
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("eventId", stableId(EventTypes.TASK_STATE_CHANGED, after.taskId(), cause.dedupeKey()));
        detail.put("taskId", after.taskId());
        detail.put("from", move.from() == null ? null : move.from().name());
        detail.put("to", move.to().name());
        detail.put("version", after.version());
        TaskDescriptions.putName(detail, "desiredStatus", after.desiredStatus());
        TaskDescriptions.putName(detail, "agentState", after.agentState());
        TaskDescriptions.putName(detail, "outcome", after.outcome());
        detail.put("outcomeReason", after.outcomeReason());
        detail.put("cluster", after.cluster());
        detail.put("service", after.service());
        detail.put("cause", cause.eventId());
        detail.put("time", move.at().toString());
        return new OutboundEvent(EventTypes.TASK_STATE_CHANGED, detail);
    }

    /** {@code Task Transition Rejected}: the event, the state it met, and why it could not apply. */
    static OutboundEvent rejected(TaskEvent event, TaskRecord current, String why) {
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("eventId", stableId(EventTypes.TASK_TRANSITION_REJECTED, event.taskId(), event.dedupeKey()));
        detail.put("taskId", event.taskId());
        detail.put("rejectedEvent", event.eventId());
        detail.put("rejectedEventKey", event.dedupeKey());
        TaskDescriptions.putName(detail, "currentStatus", current.lastStatus());
        TaskDescriptions.putName(detail, "desiredStatus", current.desiredStatus());
        detail.put("version", current.version());
        detail.put("why", why);
        detail.put("time", event.time().toString());
        return new OutboundEvent(EventTypes.TASK_TRANSITION_REJECTED, detail);
    }
}
