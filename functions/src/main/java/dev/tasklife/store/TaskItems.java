package dev.tasklife.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The attribute layout of a task item, and its conversion to a {@link TaskRecord}; no reflection involved. */
final class TaskItems {

    static final String TASK_ID = "taskId";
    static final String LAST_STATUS = "lastStatus";
    static final String DESIRED_STATUS = "desiredStatus";
    static final String AGENT_STATE = "agentState";
    static final String AGENT_TIMESTAMP = "agentTimestamp";
    static final String OUTCOME = "outcome";
    static final String OUTCOME_REASON = "outcomeReason";
    static final String VERSION = "version";
    static final String ECS_VERSION = "ecsVersion";
    static final String APPLIED_KEYS = "appliedKeys";
    static final String STEPS = "steps";
    static final String CLUSTER = "cluster";
    static final String TASK_ARN = "taskArn";
    static final String SERVICE = "service";
    static final String INACTIVE_AFTER = "inactiveAfterSeconds";
    static final String EXPUNGE_AFTER = "expungeAfterSeconds";
    static final String STOP_REASON = "stopReason";
    static final String STOP_CODE = "stopCode";
    static final String REPLACE_ON_FAILURE = "replaceOnFailure";
    static final String REPLACEMENT_OF = "replacementOf";
    static final String REPLACED_BY = "replacedBy";
    /** Set once a task is expunged, and never removed: the record stays as a marker that keeps the task dead. */
    static final String EXPUNGED_AT = "expungedAt";
    /** Until when an expunged task keeps its full record for describe; removed when the sweeper compacts it. */
    static final String TOMBSTONE_UNTIL = "tombstoneUntil";
    /**
     * The sparse sweep index: both attributes exist only while a task is UNREACHABLE, in a step phase, or an
     * expunged task waiting to be compacted, so the sweeper reads those tasks and never the rest of the table.
     */
    static final String SWEEP_INDEX = "sweep";
    static final String SWEEP_KIND = "sweepKind";
    static final String SWEEP_SINCE = "sweepSince";
    /**
     * The list index: every task with a cluster is in it under {@code cluster#shard}, the shard fixed by its id
     * ({@link Shards}), so that no cluster, however large, is one hot partition; sorted by task id.
     */
    static final String LIST_INDEX = "byCluster";
    static final String LIST_KEY = "clusterShard";
    static final String HISTORY = "history";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";

    private static final String ENTRY_TO = "to";
    private static final String ENTRY_CAUSE = "cause";
    private static final String ENTRY_KEY = "key";
    private static final String ENTRY_AT = "at";

    private TaskItems() {
    }

    static AttributeValue historyEntry(HistoryEntry entry) {
        return AttributeValue.fromM(Map.of(
                ENTRY_TO, AttributeValue.fromS(entry.to().name()),
                ENTRY_CAUSE, AttributeValue.fromS(entry.cause()),
                ENTRY_KEY, AttributeValue.fromS(entry.dedupeKey()),
                ENTRY_AT, AttributeValue.fromS(entry.at().toString())));
    }

    static TaskRecord toRecord(Map<String, AttributeValue> item) {
        return new TaskRecord(
                string(item, TASK_ID),
                enumOf(item, LAST_STATUS, Phase::valueOf),
                enumOf(item, DESIRED_STATUS, DesiredStatus::valueOf),
                enumOf(item, AGENT_STATE, AgentState::valueOf),
                enumOf(item, OUTCOME, Outcome::valueOf),
                string(item, OUTCOME_REASON),
                number(item, VERSION) == null ? 0 : number(item, VERSION),
                number(item, ECS_VERSION),
                number(item, AGENT_TIMESTAMP),
                Set.copyOf(stringSet(item, APPLIED_KEYS)),
                steps(item),
                string(item, CLUSTER),
                string(item, TASK_ARN),
                string(item, SERVICE),
                number(item, INACTIVE_AFTER),
                number(item, EXPUNGE_AFTER),
                string(item, STOP_REASON),
                string(item, STOP_CODE),
                item.containsKey(REPLACE_ON_FAILURE) && Boolean.TRUE.equals(item.get(REPLACE_ON_FAILURE).bool()),
                string(item, REPLACEMENT_OF),
                string(item, REPLACED_BY),
                instant(item, EXPUNGED_AT),
                number(item, TOMBSTONE_UNTIL),
                history(item),
                instant(item, CREATED_AT),
                instant(item, UPDATED_AT));
    }

    private static Set<Step> steps(Map<String, AttributeValue> item) {
        Set<Step> steps = EnumSet.noneOf(Step.class);
        stringSet(item, STEPS).forEach(name -> steps.add(Step.valueOf(name)));
        return steps;
    }

    private static List<HistoryEntry> history(Map<String, AttributeValue> item) {
        AttributeValue history = item.get(HISTORY);
        if (history == null || !history.hasL()) {
            return List.of();
        }
        return history.l().stream().map(AttributeValue::m).map(entry -> new HistoryEntry(
                Phase.valueOf(entry.get(ENTRY_TO).s()),
                entry.get(ENTRY_CAUSE).s(),
                entry.get(ENTRY_KEY).s(),
                Instant.parse(entry.get(ENTRY_AT).s()))).toList();
    }

    private static List<String> stringSet(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || !value.hasSs() ? List.of() : value.ss();
    }

    static String string(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }

    private static Long number(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || value.n() == null ? null : Long.valueOf(value.n());
    }

    private static Instant instant(Map<String, AttributeValue> item, String attribute) {
        String text = string(item, attribute);
        return text == null ? null : Instant.parse(text);
    }

    private static <E extends Enum<E>> E enumOf(Map<String, AttributeValue> item, String attribute,
                                                Function<String, E> parse) {
        String text = string(item, attribute);
        return text == null ? null : parse.apply(text);
    }
}
