package dev.tasklife.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.Decision;
import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.KillSelection;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Transition;
import dev.tasklife.publish.OutboundEvent;

/** The events the functions emit (lifecycle.md, "Events out"). */
final class LifecycleEvents {

    private LifecycleEvents() {
    }

    /**
     * The same input always yields the same id: it is derived from the task and the dedupe key of the event that
     * caused it, and an event causes at most one write. Step requests carry it as their idempotency key.
     */
    static String stableId(String detailType, String taskId, String dedupeKey) {
        return UUID.nameUUIDFromBytes((detailType + '\n' + taskId + '\n' + dedupeKey)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static ObjectNode detail(String detailType, TaskRecord task, String causeKey) {
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("eventId", stableId(detailType, task.taskId(), causeKey));
        detail.put("taskId", task.taskId());
        return detail;
    }

    /** The detail of an event that answers {@code event} itself (it wrote nothing), with its stable id. */
    private static ObjectNode answering(String detailType, TaskEvent event) {
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("eventId", stableId(detailType, event.taskId(), event.dedupeKey()));
        detail.put("taskId", event.taskId());
        return detail;
    }

    /** {@code Task State Changed}, for {@code move}, made by the event with {@code causeKey} at {@code version}. */
    static OutboundEvent stateChanged(TaskRecord after, long version, Transition move, String causeKey) {
        ObjectNode detail = detail(EventTypes.TASK_STATE_CHANGED, after, causeKey);
        TaskDescriptions.putName(detail, "from", move.from());
        detail.put("to", move.to().name());
        detail.put("version", version);
        TaskDescriptions.putName(detail, "desiredStatus", after.desiredStatus());
        TaskDescriptions.putName(detail, "agentState", after.agentState());
        TaskDescriptions.putName(detail, "outcome", after.outcome());
        detail.put("outcomeReason", after.outcomeReason());
        detail.put("cluster", after.cluster());
        detail.put("service", after.service());
        detail.put("cause", move.cause());
        detail.put("time", move.at().toString());
        return new OutboundEvent(EventTypes.TASK_STATE_CHANGED, detail);
    }

    /** A step request for a task that just entered the step's phase; the step worker acts on it once. */
    static OutboundEvent stepRequested(TaskRecord after, Step step, Transition move, String causeKey) {
        String detailType = EventTypes.stepRequested(step);
        ObjectNode detail = detail(detailType, after, causeKey);
        detail.put("idempotencyKey", detail.get("eventId").asText());
        detail.put("step", step.name());
        detail.put("taskArn", after.taskArn());
        detail.put("cluster", after.cluster());
        detail.put("service", after.service());
        detail.put("time", move.at().toString());
        return new OutboundEvent(detailType, detail);
    }

    /**
     * {@code Task Expunged}: the task is gone for good; its full record stays describable until
     * {@code describableUntil}, a marker that keeps it dead stays after.
     */
    static OutboundEvent expunged(TaskRecord after, String causeKey) {
        ObjectNode detail = detail(EventTypes.TASK_EXPUNGED, after, causeKey);
        TaskDescriptions.putName(detail, "outcome", after.outcome());
        detail.put("outcomeReason", after.outcomeReason());
        detail.put("service", after.service());
        detail.put("describableUntil", Instant.ofEpochSecond(after.tombstoneUntil()).toString());
        detail.put("time", after.expungedAt().toString());
        return new OutboundEvent(EventTypes.TASK_EXPUNGED, detail);
    }

    /** {@code Task Replacement Requested}, with the lineage: the new task, the one it replaces, the service. */
    static OutboundEvent replacementRequested(TaskRecord replacement, String creationKey) {
        ObjectNode detail = detail(EventTypes.TASK_REPLACEMENT_REQUESTED, replacement, creationKey);
        detail.put("replacementOf", replacement.replacementOf());
        detail.put("service", replacement.service());
        detail.put("cluster", replacement.cluster());
        TaskDescriptions.putName(detail, "initialStatus", replacement.history().get(0).to());
        detail.put("time", replacement.createdAt().toString());
        return new OutboundEvent(EventTypes.TASK_REPLACEMENT_REQUESTED, detail);
    }

    /**
     * {@code Task Kill Requested}: a task reported live although it is STOPPED for good (expunged, or stopped and
     * replaced) must be killed by whoever runs it; the agent's id says where.
     */
    static OutboundEvent killRequested(TaskEvent event, TaskRecord current, String why) {
        ObjectNode detail = answering(EventTypes.TASK_KILL_REQUESTED, event);
        detail.put("taskArn", current.taskArn());
        detail.put("cluster", current.cluster());
        detail.put("service", current.service());
        if (event instanceof TaskEvent.AgentStatusUpdate agent) {
            detail.put("agentId", agent.agentId());
        }
        detail.put("expunged", current.isExpunged());
        detail.put("replacedBy", current.replacedBy());
        detail.put("cause", event.eventId());
        detail.put("why", why);
        detail.put("time", event.time().toString());
        return new OutboundEvent(EventTypes.TASK_KILL_REQUESTED, detail);
    }

    /**
     * {@code Task Kill Requested} for the instance a service has too many of after a task came back from UNREACHABLE
     * while a replacement stood in for it: {@code killed} is stopped, keeping its {@code surplusKept}.
     */
    static OutboundEvent surplusKillRequested(TaskRecord killed, String causeKey) {
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("eventId", stableId(EventTypes.TASK_KILL_REQUESTED, killed.taskId(), causeKey));
        detail.put("taskId", killed.taskId());
        detail.put("kept", killed.surplusKept());
        detail.put("cluster", killed.cluster());
        detail.put("service", killed.service());
        KillSelection selection = killed.killSelection() == null ? KillSelection.YOUNGEST_FIRST
                : killed.killSelection();
        detail.put("why", "surplus: one instance too many after a task came back from UNREACHABLE; killSelection "
                + selection + " stops " + killed.taskId() + " and keeps " + killed.surplusKept());
        detail.put("time", killed.updatedAt().toString());
        return new OutboundEvent(EventTypes.TASK_KILL_REQUESTED, detail);
    }

    /**
     * {@code Task Transition Rejected}: the event, the state it met (if any), the phase it requested and why it
     * could not apply; {@code phase} and {@code requested} mean what they mean in the answer.
     */
    static OutboundEvent rejected(TaskEvent event, TaskRecord current, Decision.Reject reject) {
        ObjectNode detail = answering(EventTypes.TASK_TRANSITION_REJECTED, event);
        detail.put("rejectedEvent", event.eventId());
        detail.put("rejectedEventKey", event.dedupeKey());
        TaskDescriptions.putName(detail, "phase", current == null ? null : current.lastStatus());
        TaskDescriptions.putName(detail, "requested", reject.requested());
        TaskDescriptions.putName(detail, "desiredStatus", current == null ? null : current.desiredStatus());
        if (current != null) {
            detail.put("version", current.version());
        }
        detail.put("why", reject.why());
        detail.put("time", event.time().toString());
        return new OutboundEvent(EventTypes.TASK_TRANSITION_REJECTED, detail);
    }
}
