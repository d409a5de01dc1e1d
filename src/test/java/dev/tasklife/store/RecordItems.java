package dev.tasklife.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Task records written as items in the table's own layout ({@link TaskItems}), for tests that need a record in a
 * state the functions reach only after many events, or one they would never write (poison, outgrown, legacy).
 */
public final class RecordItems {

    private RecordItems() {
    }

    public static Map<String, AttributeValue> item(TaskRecord record) {
        Map<String, AttributeValue> item = new HashMap<>();
        put(item, TaskItems.TASK_ID, record.taskId());
        put(item, TaskItems.LAST_STATUS, record.lastStatus());
        put(item, TaskItems.DESIRED_STATUS, record.desiredStatus());
        put(item, TaskItems.AGENT_STATE, record.agentState());
        put(item, TaskItems.OUTCOME, record.outcome());
        put(item, TaskItems.OUTCOME_REASON, record.outcomeReason());
        item.put(TaskItems.VERSION, AttributeValue.fromN(Long.toString(record.version())));
        putNumber(item, TaskItems.ECS_VERSION, record.ecsVersion());
        putNumber(item, TaskItems.AGENT_TIMESTAMP, record.agentTimestampMicros());
        put(item, TaskItems.AGENT_KEY, record.agentKey());
        if (!record.appliedKeys().isEmpty()) {
            item.put(TaskItems.APPLIED_KEYS, AttributeValue.fromL(record.appliedKeys().stream()
                    .map(AttributeValue::fromS).toList()));
        }
        if (!record.steps().isEmpty()) {
            item.put(TaskItems.STEPS, AttributeValue.fromSs(record.steps().stream().map(Step::name).toList()));
        }
        put(item, TaskItems.CLUSTER, record.cluster());
        put(item, TaskItems.TASK_ARN, record.taskArn());
        put(item, TaskItems.SERVICE, record.service());
        putNumber(item, TaskItems.INACTIVE_AFTER, record.inactiveAfterSeconds());
        putNumber(item, TaskItems.EXPUNGE_AFTER, record.expungeAfterSeconds());
        put(item, TaskItems.STOP_REASON, record.stopReason());
        put(item, TaskItems.STOP_CODE, record.stopCode());
        if (record.replaceOnFailure()) {
            item.put(TaskItems.REPLACE_ON_FAILURE, AttributeValue.fromBool(true));
        }
        put(item, TaskItems.REPLACEMENT_OF, record.replacementOf());
        put(item, TaskItems.REPLACED_BY, record.replacedBy());
        putTime(item, TaskItems.EXPUNGED_AT, record.expungedAt());
        putNumber(item, TaskItems.TOMBSTONE_UNTIL, record.tombstoneUntil());
        if (record.earlierMoves() > 0) {
            putNumber(item, TaskItems.EARLIER_MOVES, record.earlierMoves());
        }
        put(item, TaskItems.EARLIER_PHASE, record.earlierPhase());
        if (!record.history().isEmpty()) {
            item.put(TaskItems.HISTORY, AttributeValue.fromL(record.history().stream().map(TaskItems::historyEntry)
                    .toList()));
        }
        putTime(item, TaskItems.CREATED_AT, record.createdAt());
        putTime(item, TaskItems.UPDATED_AT, record.updatedAt());
        Phase phase = record.lastStatus();
        TaskStore.SweepKind kind = phase == null ? null : TaskStore.sweepKindOf(phase);
        if (record.tombstoneUntil() != null) {
            item.put(TaskItems.SWEEP_KIND, AttributeValue.fromS(Fixtures.SWEEP_INDEX.key(TaskStore.SweepKind.TOMBSTONE,
                    record.taskId())));
            item.put(TaskItems.SWEEP_SINCE, AttributeValue.fromN(Long.toString(record.tombstoneUntil() * 1000)));
        } else if (kind != null) {
            item.put(TaskItems.SWEEP_KIND, AttributeValue.fromS(Fixtures.SWEEP_INDEX.key(kind, record.taskId())));
            item.put(TaskItems.SWEEP_SINCE, AttributeValue.fromN(Long.toString(record.phaseSince().toEpochMilli())));
        }
        return item;
    }

    /** The record an item holds, read as the store reads it; null for no item. */
    public static TaskRecord record(Map<String, AttributeValue> item) {
        return item == null || item.isEmpty() ? null : TaskItems.toRecord(item);
    }

    /** The item with one attribute replaced by raw text: a value no code of this service would write. */
    public static Map<String, AttributeValue> withRaw(Map<String, AttributeValue> item, String attribute,
                                                      AttributeValue value) {
        Map<String, AttributeValue> changed = new HashMap<>(item);
        changed.put(attribute, value);
        return changed;
    }

    private static void put(Map<String, AttributeValue> item, String attribute, Object value) {
        if (value != null) {
            item.put(attribute, AttributeValue.fromS(value instanceof Enum<?> constant ? constant.name()
                    : value.toString()));
        }
    }

    private static void putTime(Map<String, AttributeValue> item, String attribute, Instant value) {
        if (value != null) {
            item.put(attribute, TaskItems.time(value));
        }
    }

    private static void putNumber(Map<String, AttributeValue> item, String attribute, Long value) {
        if (value != null) {
            item.put(attribute, AttributeValue.fromN(value.toString()));
        }
    }
}
