package dev.tasklife.input;

import static dev.tasklife.input.JsonFields.MAX_ID_LENGTH;
import static dev.tasklife.input.JsonFields.MAX_TEXT_LENGTH;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.KillSelection;
import dev.tasklife.domain.LifecyclePolicy;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskIds;

/**
 * Reads an EventBridge envelope into a {@link TaskEvent}. Unknown fields are ignored (real ECS events carry many);
 * anything the lifecycle relies on is checked for presence, type and size; the sender and the times against the
 * {@link Admission}.
 */
public final class EventParser {

    private static final String DETAIL = "detail.";
    private static final int MAX_ARN_LENGTH = 1600;
    private static final int MAX_TARGET_GROUPS = 5;
    /**
     * ECS counts a task's changes in its version; no task makes this many. A larger one could only be forged, and
     * would make every later real event of the task stale.
     */
    static final long MAX_ECS_VERSION = Integer.MAX_VALUE;

    private EventParser() {
    }

    /**
     * Reads an envelope whose detail-type is one of {@code handled}: each function takes only the events its
     * rules route to it.
     */
    public static TaskEvent parse(JsonNode envelope, Set<String> handled, Admission admission)
            throws InvalidEventException {
        String detailType = JsonFields.requiredText(envelope, "", "detail-type", MAX_ID_LENGTH);
        if (!handled.contains(detailType)) {
            throw new InvalidEventException("detail-type '" + detailType + "' is not handled here (expected one of "
                    + new TreeSet<>(handled) + ")");
        }
        admission.checkSender(detailType, JsonFields.optionalText(envelope, "", "source", MAX_ID_LENGTH),
                JsonFields.optionalText(envelope, "", "account", MAX_ID_LENGTH));
        String eventId = JsonFields.requiredText(envelope, "", "id", MAX_ID_LENGTH);
        Instant time = time(envelope);
        admission.checkNotAhead("time", time);
        JsonNode detail = JsonFields.object(envelope, "", "detail");
        try {
            return switch (detailType) {
                case EventTypes.ECS_TASK_STATE_CHANGE -> ecsStateChange(eventId, time, detail);
                case EventTypes.TASK_STATUS_UPDATE -> agent(eventId, time, detail, admission);
                case EventTypes.TASK_LAUNCH_REQUESTED -> launch(eventId, time, detail);
                case EventTypes.TASK_STOP_REQUESTED -> new TaskEvent.StopRequest(eventId, time,
                        JsonFields.taskId(detail, DETAIL, "taskId"),
                        JsonFields.optionalText(detail, DETAIL, "reason", MAX_TEXT_LENGTH));
                case EventTypes.TASK_STEP_COMPLETED -> stepCompleted(eventId, time, detail);
                default -> throw new InvalidEventException("detail-type '" + detailType + "' is not handled here");
            };
        } catch (IllegalArgumentException e) {
            // An enum the contract does not know (lastStatus, desiredStatus, state).
            throw new InvalidEventException(DETAIL + e.getMessage());
        }
    }

    private static TaskEvent stepCompleted(String eventId, Instant time, JsonNode detail)
            throws InvalidEventException {
        String taskId = JsonFields.taskId(detail, DETAIL, "taskId");
        Step step = Step.parse(JsonFields.requiredText(detail, DETAIL, "step", MAX_ID_LENGTH));
        String outcome = JsonFields.requiredText(detail, DETAIL, "outcome", MAX_ID_LENGTH);
        if (!outcome.equals("SUCCEEDED") && !outcome.equals("FAILED")) {
            throw new InvalidEventException("detail.outcome must be SUCCEEDED or FAILED");
        }
        return new TaskEvent.StepCompleted(eventId, time, taskId, step, outcome.equals("SUCCEEDED"),
                JsonFields.optionalText(detail, DETAIL, "reason", MAX_TEXT_LENGTH));
    }

    private static Instant time(JsonNode envelope) throws InvalidEventException {
        String text = JsonFields.optionalText(envelope, "", "time", 64);
        if (text == null) {
            throw new InvalidEventException("time is required");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("time must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
    }

    /**
     * The detail of an ECS Task State Change, which is ECS's Task object as DescribeTasks also answers it: the
     * reconciler reads what it describes through here, so that a task is moved exactly as its event would move it.
     */
    public static TaskEvent.EcsStateChange ecsStateChange(String eventId, Instant time, JsonNode detail)
            throws InvalidEventException {
        String taskArn = JsonFields.requiredText(detail, DETAIL, "taskArn", MAX_ARN_LENGTH);
        String taskId = JsonFields.checkTaskId("the task id of detail.taskArn",
                taskArn.substring(taskArn.lastIndexOf('/') + 1));
        String cluster = JsonFields.optionalCluster(detail, DETAIL, "clusterArn");
        Phase lastStatus = Phase.parse(JsonFields.requiredText(detail, DETAIL, "lastStatus", MAX_ID_LENGTH));
        DesiredStatus desired = DesiredStatus.parseEcs(
                JsonFields.requiredText(detail, DETAIL, "desiredStatus", MAX_ID_LENGTH));
        long version = JsonFields.requiredNonNegativeLong(detail, DETAIL, "version");
        if (version > MAX_ECS_VERSION) {
            throw new InvalidEventException("detail.version must be at most " + MAX_ECS_VERSION);
        }
        String stopCode = JsonFields.optionalText(detail, DETAIL, "stopCode", MAX_ID_LENGTH);
        String stoppedReason = JsonFields.optionalText(detail, DETAIL, "stoppedReason", MAX_TEXT_LENGTH);
        return new TaskEvent.EcsStateChange(eventId, time, taskId, taskArn, cluster, serviceOf(detail), lastStatus,
                desired, version, stopCode, stoppedReason, anyContainerFailed(detail),
                optionalInstant(detail, "startedAt"), optionalInstant(detail, "stoppedAt"));
    }

    /** One of ECS's own times of the task (ISO-8601, as ECS writes them), or null when the event has none. */
    private static Instant optionalInstant(JsonNode detail, String field) throws InvalidEventException {
        String text = JsonFields.optionalText(detail, DETAIL, field, 64);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(DETAIL + field + " must be an ISO-8601 instant");
        }
    }

    /** ECS names the service a task belongs to in its group: {@code service:NAME}. */
    private static String serviceOf(JsonNode detail) throws InvalidEventException {
        String group = JsonFields.optionalText(detail, DETAIL, "group", MAX_ARN_LENGTH);
        String prefix = "service:";
        return group != null && group.startsWith(prefix) && group.length() > prefix.length()
                ? group.substring(prefix.length()) : null;
    }

    /** An ECS task whose essential container exited non-zero failed; exit codes sit on the containers. */
    private static boolean anyContainerFailed(JsonNode detail) throws InvalidEventException {
        JsonNode containers = detail.get("containers");
        if (containers == null || containers.isNull()) {
            return false;
        }
        if (!containers.isArray()) {
            throw new InvalidEventException("detail.containers must be an array");
        }
        for (JsonNode container : containers) {
            if (!container.isObject()) {
                throw new InvalidEventException("detail.containers must hold container objects");
            }
            JsonNode exitCode = container.get("exitCode");
            if (exitCode != null && exitCode.isIntegralNumber() && exitCode.intValue() != 0) {
                return true;
            }
        }
        return false;
    }

    private static TaskEvent agent(String eventId, Instant time, JsonNode detail, Admission admission)
            throws InvalidEventException {
        String taskId = JsonFields.taskId(detail, DETAIL, "taskId");
        String state = JsonFields.requiredText(detail, DETAIL, "state", MAX_ID_LENGTH);
        String reason = JsonFields.optionalText(detail, DETAIL, "reason", MAX_ID_LENGTH);
        String message = JsonFields.optionalText(detail, DETAIL, "message", MAX_TEXT_LENGTH);
        String agentId = JsonFields.optionalText(detail, DETAIL, "agentId", MAX_ID_LENGTH);
        // Mesos sets a uuid only on updates it delivers reliably; reconciliation answers have none.
        String uuid = JsonFields.optionalText(detail, DETAIL, "uuid", MAX_ID_LENGTH);
        if (uuid != null && uuid.isEmpty()) {
            throw new InvalidEventException("detail.uuid must not be empty");
        }
        long timestampMicros = timestampMicros(detail);
        admission.checkNotAhead("detail.timestamp", Instant.EPOCH.plus(timestampMicros, ChronoUnit.MICROS));
        return new TaskEvent.AgentStatusUpdate(eventId, time, taskId, AgentState.fromMesos(state, reason), reason,
                message, agentId, timestampMicros, uuid);
    }

    /** Mesos reports seconds since the epoch as a double; kept to the microsecond. */
    private static long timestampMicros(JsonNode detail) throws InvalidEventException {
        JsonNode node = detail.get("timestamp");
        if (node == null || node.isNull()) {
            throw new InvalidEventException("detail.timestamp is required");
        }
        if (!node.isNumber() || node.doubleValue() < 0 || node.doubleValue() > 1e11 || !Double.isFinite(node.doubleValue())) {
            throw new InvalidEventException("detail.timestamp must be seconds since the epoch, a number");
        }
        return Math.round(node.doubleValue() * 1_000_000d);
    }

    private static TaskEvent launch(String eventId, Instant time, JsonNode detail) throws InvalidEventException {
        String taskId = JsonFields.taskId(detail, DETAIL, "taskId");
        String cluster = JsonFields.optionalCluster(detail, DETAIL, "cluster");
        String service = JsonFields.optionalText(detail, DETAIL, "service", MAX_ARN_LENGTH);
        if (service != null && TaskIds.replacementPrefix(service) == null) {
            // The service names the ids of its replacements: one that makes none would leave it without them.
            throw new InvalidEventException("detail.service must hold a letter or digit: its replacements are named"
                    + " after it");
        }
        boolean networkInterface = JsonFields.optionalBoolean(detail, DETAIL, "networkInterface");
        boolean serviceDiscovery = JsonFields.optionalBoolean(detail, DETAIL, "serviceDiscovery");
        List<String> targetGroups = targetGroups(detail);
        Long inactiveAfter = null;
        Long expungeAfter = null;
        JsonNode strategy = detail.get("unreachableStrategy");
        if (strategy != null && !strategy.isNull()) {
            strategy = JsonFields.object(detail, DETAIL, "unreachableStrategy");
            String path = DETAIL + "unreachableStrategy.";
            inactiveAfter = strategySeconds(strategy, path, "inactiveAfterSeconds");
            expungeAfter = strategySeconds(strategy, path, "expungeAfterSeconds");
        }
        return new TaskEvent.LaunchRequest(eventId, time, taskId, cluster, service, networkInterface,
                serviceDiscovery, targetGroups, inactiveAfter, expungeAfter, killSelection(detail));
    }

    /** Marathon's {@code killSelection}: which instance goes when a service has one too many; null: the default. */
    private static KillSelection killSelection(JsonNode detail) throws InvalidEventException {
        String text = JsonFields.optionalText(detail, DETAIL, "killSelection", MAX_ID_LENGTH);
        for (KillSelection selection : KillSelection.values()) {
            if (selection.name().equals(text)) {
                return selection;
            }
        }
        if (text != null) {
            throw new InvalidEventException("detail.killSelection must be YOUNGEST_FIRST or OLDEST_FIRST");
        }
        return null;
    }

    private static Long strategySeconds(JsonNode strategy, String path, String field) throws InvalidEventException {
        Long seconds = JsonFields.optionalNonNegativeLong(strategy, path, field);
        if (seconds != null && seconds > LifecyclePolicy.MAX_STRATEGY_SECONDS) {
            throw new InvalidEventException(path + field + " must be at most " + LifecyclePolicy.MAX_STRATEGY_SECONDS
                    + " (1 year)");
        }
        return seconds;
    }

    private static List<String> targetGroups(JsonNode detail) throws InvalidEventException {
        JsonNode node = detail.get("targetGroups");
        List<String> groups = new ArrayList<>();
        if (node == null || node.isNull()) {
            return groups;
        }
        if (!node.isArray() || node.size() > MAX_TARGET_GROUPS) {
            throw new InvalidEventException("detail.targetGroups must be an array of at most " + MAX_TARGET_GROUPS
                    + " target group ARNs");
        }
        for (JsonNode group : node) {
            if (!group.isTextual() || group.textValue().isEmpty() || group.textValue().length() > MAX_ARN_LENGTH) {
                throw new InvalidEventException("detail.targetGroups must hold target group ARNs (strings)");
            }
            groups.add(group.textValue());
        }
        return groups;
    }
}
