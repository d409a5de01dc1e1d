package dev.tasklife.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Timer;
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
        putTime(item, TaskItems.COMPACTED_AT, record.compactedAt());
        putTime(item, TaskItems.LAUNCHED_AT, record.launchedAt());
        if (record.killsRequested() > 0) {
            putNumber(item, TaskItems.KILLS_REQUESTED, record.killsRequested());
        }
        putTime(item, TaskItems.KILL_REQUESTED_AT, record.killRequestedAt());
        putTime(item, TaskItems.STARTED_AT, record.startedAt());
        putTime(item, TaskItems.STOPPED_AT, record.stoppedAt());
        Timer.Started timer = waitingOn(record);
        if (timer != null) {
            item.put(TaskItems.SWEEP_KIND, AttributeValue.fromS(Fixtures.SWEEP_INDEX.key(timer.timer(),
                    record.taskId())));
            item.put(TaskItems.SWEEP_SINCE, AttributeValue.fromN(Long.toString(timer.since().toEpochMilli())));
        }
        return item;
    }

    /** The wait the functions would have the record in the sweep index for, as its writes leave it. */
    private static Timer.Started waitingOn(TaskRecord record) {
        Phase phase = record.lastStatus();
        if (phase == null) {
            return null;
        }
        Step step = Step.runningIn(phase);
        if (phase == Phase.STOPPED) {
            if (record.compactedAt() != null) {
                return null;
            }
            return record.tombstoneUntil() != null
                    ? new Timer.Started(Timer.TOMBSTONE, Instant.ofEpochSecond(record.tombstoneUntil()))
                    : record.isExpunged() ? null : new Timer.Started(Timer.RETAIN, record.phaseSince());
        } else if (phase == Phase.UNREACHABLE) {
            return new Timer.Started(Timer.UNREACHABLE, record.phaseSince());
        } else if (step != null) {
            return record.steps().contains(step) ? new Timer.Started(Timer.STEP, record.phaseSince()) : null;
        } else if (phase == Phase.PENDING) {
            return record.launchedAt() == null ? null : new Timer.Started(Timer.LAUNCH, record.phaseSince());
        } else if (phase == Phase.STOPPING) {
            return record.killRequestedAt() == null ? null : new Timer.Started(Timer.KILL, record.killRequestedAt());
        }
        return null;
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
