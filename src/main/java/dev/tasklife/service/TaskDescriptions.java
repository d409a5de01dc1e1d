package dev.tasklife.service;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Transition;

/**
 * The describe function's answer: the record with both views, its history with origins, its lineage (service,
 * the task it replaced, the task that replaced it), and for an expunged task its tombstone. Several tasks at once
 * are answered as ECS's DescribeTasks: the tasks found, and a MISSING failure for each id that is not.
 */
public final class TaskDescriptions {

    private TaskDescriptions() {
    }

    /** One task, and where its whole story is ({@link StoryArchive}). */
    public static ObjectNode found(TaskRecord record, StoryArchive archive) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("found", true);
        answer.setAll(described(record));
        answer.set("story", archive.of(record));
        return answer;
    }

    /** The failure reason of an id whose item this version cannot read (beside ECS's MISSING). */
    public static final String UNREADABLE = "UNREADABLE";

    /**
     * {@code taskIds} without duplicates, in the order asked; {@code records} the ones found; {@code unreadable} the
     * ones whose items this version cannot read, with why: failures, as the others are answered.
     */
    public static ObjectNode batch(Collection<String> taskIds, Map<String, TaskRecord> records,
                                   Map<String, String> unreadable) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode tasks = answer.putArray("tasks");
        ArrayNode failures = answer.putArray("failures");
        for (String taskId : taskIds) {
            TaskRecord record = records.get(taskId);
            if (record != null) {
                tasks.add(described(record));
            } else if (unreadable.containsKey(taskId)) {
                failures.addObject().put("taskId", taskId).put("reason", UNREADABLE)
                        .put("detail", unreadable.get(taskId));
            } else {
                failures.addObject().put("taskId", taskId).put("reason", "MISSING");
            }
        }
        return answer;
    }

    /** One task as describe shows it: task, history, lineage, and the tombstone of an expunged one. */
    private static ObjectNode described(TaskRecord record) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ObjectNode task = answer.putObject("task");
        task.put("taskId", record.taskId());
        task.put("taskArn", record.taskArn());
        task.put("cluster", record.cluster());
        task.put("service", record.service());
        putName(task, "lastStatus", record.lastStatus());
        putName(task, "desiredStatus", record.desiredStatus());
        putName(task, "agentState", record.agentState());
        putName(task, "outcome", record.outcome());
        task.put("outcomeReason", record.outcomeReason());
        task.put("stopReason", record.stopReason());
        task.put("stopCode", record.stopCode());
        task.put("decommissioned", record.decommissioned()); // asked to stop for good: never replaced
        putTime(task, "launchedAt", record.launchedAt());
        putTime(task, "startedAt", record.startedAt());
        putTime(task, "stoppedAt", record.stoppedAt());
        // The kills asked of the agent side (on entering STOPPING, again while no terminal report came).
        task.put("killsRequested", record.killsRequested());
        putTime(task, "killRequestedAt", record.killRequestedAt());
        task.put("version", record.version());
        ArrayNode steps = task.putArray("steps");
        record.steps().stream().sorted().map(Step::name).forEach(steps::add);
        putTime(task, "createdAt", record.createdAt());
        putTime(task, "updatedAt", record.updatedAt());
        // The latest moves the record keeps; moves counts them all (Task State Changed told each one).
        answer.put("moves", record.moves());
        ArrayNode history = answer.putArray("history");
        for (Transition move : record.transitions()) {
            ObjectNode entry = history.addObject();
            putName(entry, "from", move.from());
            entry.put("to", move.to().name());
            entry.put("cause", move.cause());
            entry.put("at", move.at().toString());
        }
        ObjectNode lineage = answer.putObject("lineage");
        lineage.put("cluster", record.cluster());
        lineage.put("service", record.service());
        lineage.put("replacementOf", record.replacementOf());
        lineage.put("replacedBy", record.replacedBy());
        lineage.put("releasedReplacement", record.releasedReplacement());
        lineage.put("surplusKept", record.surplusKept());
        lineage.put("surplusStopped", record.surplusStopped());
        if (record.isExpunged()) {
            ObjectNode tombstone = answer.putObject("tombstone");
            tombstone.put("expungedAt", record.expungedAt().toString());
            if (record.tombstoneUntil() != null) {
                tombstone.put("describableUntil", Instant.ofEpochSecond(record.tombstoneUntil()).toString());
            } else if (record.history().isEmpty()) {
                // Compacted: the story is gone, the marker stays and keeps the task dead.
                tombstone.put("compacted", true);
            }
            tombstone.put("why", "expunged after " + record.outcome()
                    + (record.outcomeReason() == null ? "" : ": " + record.outcomeReason()));
        }
        if (record.compactedAt() != null) {
            ObjectNode compacted = answer.putObject("compacted");
            compacted.put("at", record.compactedAt().toString());
            compacted.put("why", (record.isExpunged() ? "its tombstone was due" : "STOPPED for longer than the"
                    + " retention time") + ": the moves, reasons and dedupe keys are gone; the record stays and keeps"
                    + " the task dead");
        }
        return answer;
    }

    /** A task whose item this version cannot read: it exists, and is not described (a newer version wrote it). */
    public static ObjectNode unreadable(String taskId, String why) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("found", true);
        answer.put("taskId", taskId);
        answer.put("error", "TaskUnreadable");
        answer.put("message", "task '" + taskId + "' is stored as this version cannot read it (written by a newer"
                + " version, or mended by hand): " + why);
        return answer;
    }

    public static ObjectNode notFound(String taskId) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("found", false);
        answer.put("taskId", taskId);
        answer.put("error", "TaskNotFound");
        answer.put("message", "no task with id '" + taskId + "' is recorded (never seen, or expired)");
        return answer;
    }

    /** Times travel as ISO-8601 text; an absent one as JSON null. */
    private static void putTime(ObjectNode node, String field, Instant value) {
        node.put(field, value == null ? null : value.toString());
    }

    /** Enums travel by name; an absent one as JSON null. */
    public static void putName(ObjectNode node, String field, Enum<?> value) {
        node.put(field, value == null ? null : value.name());
    }
}
