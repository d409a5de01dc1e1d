package dev.tasklife.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
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
     * {@code Task Kill Requested} that a write asked for (lifecycle.md, "Every wait has a timer"): attempt
     * {@code killsRequested}, its id stable for that attempt. Why: the task entered STOPPING wanted STOPPED (for the
     * instance a service had one too many of after a comeback, which one it keeps), it reported itself live while it
     * must not run, or no terminal report came within the retry time of the last request.
     *
     * @param moved the write moved the task (into STOPPING: a kill is requested by no other move)
     */
    static OutboundEvent killAttempt(TaskRecord before, TaskRecord after, boolean moved) {
        long attempt = after.killsRequested();
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("eventId", stableId(EventTypes.TASK_KILL_REQUESTED, after.taskId(), "kill#" + attempt));
        detail.put("taskId", after.taskId());
        detail.put("attempt", attempt);
        detail.put("cluster", after.cluster());
        detail.put("service", after.service());
        detail.put("kept", after.surplusKept());
        detail.put("why", killReason(before, after, moved));
        detail.put("time", after.killRequestedAt().toString());
        return new OutboundEvent(EventTypes.TASK_KILL_REQUESTED, detail);
    }

    private static String killReason(TaskRecord before, TaskRecord after, boolean moved) {
        if (moved && after.surplusKept() != null) {
            KillSelection selection = after.killSelection() == null ? KillSelection.YOUNGEST_FIRST
                    : after.killSelection();
            return "surplus: one instance too many after a task came back from UNREACHABLE; killSelection "
                    + selection + " stops " + after.taskId() + " and keeps " + after.surplusKept();
        }
        if (moved) {
            String reason = after.stopReason() != null ? after.stopReason() : after.outcomeReason();
            return "stopping: wanted STOPPED" + (reason == null ? "" : " (" + reason + ")");
        }
        boolean reported = before != null && !Objects.equals(before.agentTimestampMicros(),
                after.agentTimestampMicros());
        if (reported) {
            return "reported " + after.agentState() + " although it must not run";
        }
        return "kill retried: no terminal report since the kill requested at "
                + (before == null ? null : before.killRequestedAt());
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
