package dev.tasklife.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tasklife.domain.Assumption;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Guard;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.ReconcileEntry;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.SweepEntry;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Timer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The task table. Every change is one conditional write: the condition is the change's {@link Guard} (allowed
 * predecessor phases, version or source order, assumptions, dedupe key), and the move, its history entry and the
 * version bump are written together or not at all. A change that replaces its task is one transaction with the
 * creation of the replacement. Event data enters only as expression attribute values.
 *
 * <p>An item keeps at most {@code kept} moves and dedupe keys. A blind write appends and holds only while fewer keys
 * are kept (every move keeps its key, so the history is never longer); a write decided on the record rewrites the
 * kept part from it, down to the newest half once full: a blind write fails for room once per {@code kept / 2}
 * keys, and no write ever makes the item grow past the bound.
 */
public class TaskStore {

    /**
     * What a conditional write did: the record after it, or, when its condition failed, the record as it was.
     * {@code replacementIdTaken}: the change held, but the id chosen for its replacement is already a task's; nothing
     * was written, and the change is to be decided again with another id.
     */
    public record WriteResult(boolean written, TaskRecord record, boolean replacementIdTaken) {

        static WriteResult written(TaskRecord after) {
            return new WriteResult(true, after, false);
        }

        static WriteResult notWritten(TaskRecord current) {
            return new WriteResult(false, current, false);
        }
    }

    /**
     * One page of a sparse index (sweep, reconcile), with what reading it cost. {@code unreadable}: the ids of
     * entries on the page this code cannot read; the caller reports them and goes on with the rest.
     */
    public record IndexPage<T>(List<T> entries, List<String> unreadable, Map<String, AttributeValue> next,
                               double readUnits) {
    }

    /**
     * Records read by id (an id no item has is in neither map), with what reading them cost; {@code unreadable}: the
     * items that are not task records this code can read, by id, with why. Every reader of many items reads them so:
     * one unreadable item fails only itself (lifecycle.md).
     */
    public record Records(Map<String, TaskRecord> records, Map<String, String> unreadable, double readUnits) {
    }

    /** Whose report keeps a live task in the reconcile index: ECS's events, or its agent's status updates. */
    public enum ReconcileKind {
        ECS,
        AGENT
    }

    /** One task of a list page: its id and, when it has one, its ARN. */
    public record ListedTask(String taskId, String taskArn) {
    }

    /**
     * One Query of one shard of the list index: the tasks that passed the filter, how many index items were read to
     * find them, and the id to go on after in this shard (null: the shard is done).
     */
    public record ShardPage(List<ListedTask> tasks, int itemsRead, String continueAfter) {
    }

    /**
     * An item as a backfill scan reads it: what tells which index keys it lacks. {@code source}: whose reports
     * keep it in the reconcile index (null: none yet); {@code live}: it has a phase and is not STOPPED;
     * {@code updatedAt}: when it was last written, taken as when it was last heard from; {@code unreadable}: why
     * the item is not one this code can read (it then lacks nothing), or null.
     */
    public record BackfillCandidate(String taskId, boolean live, ReconcileKind source, boolean inReconcileIndex,
                                    String cluster, boolean inListIndex, Instant updatedAt, String unreadable) {

        static BackfillCandidate unreadable(String taskId, String why) {
            return new BackfillCandidate(taskId, false, null, false, null, false, null, why);
        }

        public boolean lacksReconcileKey() {
            return live && source != null && !inReconcileIndex;
        }

        public boolean lacksListKey() {
            return cluster != null && !inListIndex;
        }
    }

    /** A backfill was told to go on after a task id its segment does not hold (DynamoDB refused the start key). */
    public static final class ScanStartRejected extends RuntimeException {

        public ScanStartRejected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * One page of a scan: what it found, how many items it read to find them, what that cost, and the task id to go
     * on after (null: the segment is done).
     */
    public record ScanPage<T>(List<T> found, int scanned, double readUnits, String continueAfter) {
    }

    /** The most keys one BatchGetItem reads. */
    public static final int MAX_BATCH_READ = 100;

    /** BatchGetItem rounds in a row that may return nothing (throttled) before the read fails. */
    private static final int MAX_BATCH_ROUNDS_WITHOUT_PROGRESS = 5;

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final SweepIndex sweepIndex;
    private final Shards listShards;
    private final int kept;

    public TaskStore(DynamoDbClient dynamo, String tableName, SweepIndex sweepIndex, Shards listShards, int kept) {
        if (kept < 2) {
            throw new IllegalArgumentException("an item must keep at least 2 moves, not " + kept);
        }
        this.dynamo = dynamo;
        this.tableName = tableName;
        this.sweepIndex = sweepIndex;
        this.listShards = listShards;
        this.kept = kept;
    }

    /** The reconcile index's keys of one kind (spread over as many shards as the sweep index's), all of which a run reads. */
    public List<String> reconcileKeys(ReconcileKind kind) {
        return sweepIndex.shards().keys(kind.name());
    }

    private String reconcileKey(ReconcileKind kind, String taskId) {
        return sweepIndex.shards().keyOf(kind.name(), taskId);
    }

    /**
     * One page of the entries under one key of the reconcile index ({@link #reconcileKeys}) last heard from at or
     * before {@code heardBefore}, the longest silent first.
     */
    public IndexPage<ReconcileEntry> reconcileCandidates(String key, Instant heardBefore,
                                                         Map<String, AttributeValue> from, int limit) {
        return indexPage(TaskItems.RECONCILE_INDEX, TaskItems.RECONCILE_KEY, TaskItems.HEARD_AT, key, heardBefore, from,
                limit, TaskItems::toReconcileEntry);
    }

    /** The sweep index's keys of one kind, all of which a sweep reads. */
    public List<String> sweepKeys(Timer kind) {
        return sweepIndex.keys(kind);
    }

    /**
     * One page of one segment of a scan for items written before the reconcile or the list index existed: live
     * tasks heard from by a source without a reconcile key, and tasks with a cluster without a list key. A one-off
     * after an upgrade ({@code backfill} function); nothing else scans. The filter is applied after reading, so a
     * page costs what its {@code limit} items cost, whatever it finds.
     */
    public ScanPage<BackfillCandidate> backfillScan(int segment, int segments, String afterTaskId, int limit) {
        ScanResponse response;
        try {
            response = dynamo.scan(backfillScanRequest(segment, segments, afterTaskId, limit));
        } catch (DynamoDbException e) {
            if (afterTaskId != null && e.awsErrorDetails() != null
                    && "ValidationException".equals(e.awsErrorDetails().errorCode())) {
                // The one part of the request a caller gives: a key of another segment, or of another count of them.
                throw new ScanStartRejected("after " + afterTaskId + " is not where segment " + segment + " of "
                        + segments + " goes on: " + e.awsErrorDetails().errorMessage(), e);
            }
            throw e;
        }
        // In the scan's order, an item this code cannot read among them: it fails alone, the others go on.
        List<BackfillCandidate> found = response.items().stream().map(item -> {
            try {
                return TaskItems.toBackfillCandidate(item);
            } catch (RuntimeException e) {
                return BackfillCandidate.unreadable(TaskItems.string(item, TaskItems.TASK_ID), e.toString());
            }
        }).toList();
        String continueAfter = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey().get(TaskItems.TASK_ID).s() : null;
        return new ScanPage<>(found, response.scannedCount(), capacityUnits(response.consumedCapacity()),
                continueAfter);
    }

    private ScanRequest backfillScanRequest(int segment, int segments, String afterTaskId, int limit) {
        Expression expression = new Expression();
        String status = expression.name(TaskItems.LAST_STATUS);
        String filter = "(attribute_not_exists(" + expression.name(TaskItems.RECONCILE_KEY) + ") AND " + status
                + " <> " + expression.value(Phase.STOPPED.name()) + " AND (attribute_exists("
                + expression.name(TaskItems.ECS_VERSION) + ") OR attribute_exists("
                + expression.name(TaskItems.AGENT_TIMESTAMP) + "))) OR ((attribute_exists("
                + expression.name(TaskItems.CLUSTER) + ") OR attribute_exists(" + expression.name(TaskItems.TASK_ARN)
                + ")) AND attribute_not_exists(" + expression.name(TaskItems.LIST_KEY) + "))";
        String projection = Stream.of(TaskItems.TASK_ID, TaskItems.LAST_STATUS, TaskItems.ECS_VERSION,
                        TaskItems.AGENT_TIMESTAMP, TaskItems.CLUSTER, TaskItems.TASK_ARN, TaskItems.RECONCILE_KEY,
                        TaskItems.LIST_KEY, TaskItems.UPDATED_AT)
                .map(expression::name).collect(Collectors.joining(", "));
        return ScanRequest.builder()
                .tableName(tableName)
                .segment(segment)
                .totalSegments(segments)
                .filterExpression(filter)
                .projectionExpression(projection)
                .expressionAttributeNames(expression.names)
                .expressionAttributeValues(expression.values)
                .exclusiveStartKey(afterTaskId == null ? null : key(afterTaskId))
                .limit(limit)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .build();
    }

    /**
     * Puts a live task found by {@link #backfillScan} in the reconcile index, heard from when it was last written:
     * unless it stopped since, or a report put it there meanwhile (false). Its record is not changed otherwise.
     */
    public boolean addToReconcileIndex(BackfillCandidate task) {
        Expression expression = new Expression();
        String status = expression.name(TaskItems.LAST_STATUS);
        String heardAt = expression.name(TaskItems.HEARD_AT);
        return updateIf(task.taskId(), "SET " + expression.name(TaskItems.RECONCILE_KEY) + " = "
                        + expression.value(reconcileKey(task.source(), task.taskId())) + ", " + heardAt
                        + " = if_not_exists(" + heardAt + ", " + expression.number(task.updatedAt().toEpochMilli())
                        + ")",
                "attribute_exists(" + status + ") AND " + status + " <> " + expression.value(Phase.STOPPED.name())
                        + " AND attribute_not_exists(" + expression.name(TaskItems.RECONCILE_KEY) + ")",
                expression);
    }

    /** Puts a task found by {@link #backfillScan} in the list index under its cluster (false: it is there already). */
    public boolean addToListIndex(BackfillCandidate task) {
        Expression expression = new Expression();
        return updateIf(task.taskId(), "SET " + expression.name(TaskItems.LIST_KEY) + " = "
                        + expression.value(listShards.keyOf(task.cluster(), task.taskId())),
                // A task's cluster never changes: the key is added to the task as it was read, if it still lacks it.
                "attribute_exists(" + expression.name(TaskItems.TASK_ID) + ") AND attribute_not_exists("
                        + expression.name(TaskItems.LIST_KEY) + ")",
                expression);
    }

    private boolean updateIf(String taskId, String update, String condition, Expression expression) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(key(taskId))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(expression.names)
                    .expressionAttributeValues(expression.values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    public Optional<TaskRecord> find(String taskId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder()
                .tableName(tableName)
                .key(key(taskId))
                .consistentRead(true)
                .build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(TaskItems.toRecord(item));
    }

    /**
     * The records of these tasks (at most {@link #MAX_BATCH_READ}), by id, each item on its own: an unknown id is in
     * neither map, an item that is not a record this code can read is reported, not fatal to the others. Keys
     * DynamoDB leaves unprocessed (a response over 16 MB, throttling) are asked again: the answer is whole or the
     * read fails.
     *
     * @param consistent a strongly consistent read; the sweep reads eventually consistent (half the read units):
     *     every sweep write is guarded by the version its finding saw, and a record read stale only fails that
     *     guard, which returns the current record to decide on
     */
    public Records findAll(Collection<String> taskIds, boolean consistent) {
        double[] units = new double[1];
        Map<String, TaskRecord> records = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : batchGet(taskIds, consistent, null, units)) {
            try {
                TaskRecord record = TaskItems.toRecord(item);
                records.put(record.taskId(), record);
            } catch (UnreadableItemException e) {
                unreadable.put(e.taskId(), e.getCause().toString());
            }
        }
        return new Records(records, unreadable, units[0]);
    }

    /**
     * Which of these tasks (at most {@link #MAX_BATCH_READ}) the table has an item for, reading only their ids: an
     * item this code could not read as a record is known all the same.
     */
    public Set<String> knownIds(Collection<String> taskIds) {
        Set<String> known = new HashSet<>();
        batchGet(taskIds, true, TaskItems.TASK_ID, new double[1]).forEach(item -> known.add(
                item.get(TaskItems.TASK_ID).s()));
        return known;
    }

    /**
     * BatchGetItem of these keys until none is left unprocessed ({@code projection}: the attributes to read, null
     * for all); {@code units} adds up what it cost.
     */
    private List<Map<String, AttributeValue>> batchGet(Collection<String> taskIds, boolean consistent,
                                                       String projection, double[] units) {
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        if (taskIds.isEmpty()) {
            return found;
        }
        Map<String, KeysAndAttributes> pending = Map.of(tableName, KeysAndAttributes.builder()
                .keys(taskIds.stream().map(this::key).toList()).consistentRead(consistent)
                .projectionExpression(projection).build());
        int roundsWithoutProgress = 0;
        while (!pending.isEmpty()) {
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response = dynamo.batchGetItem(batch -> batch.requestItems(request)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            if (response.hasConsumedCapacity()) {
                response.consumedCapacity().forEach(consumed -> units[0] += capacityUnits(consumed));
            }
            List<Map<String, AttributeValue>> items = response.responses().getOrDefault(tableName, List.of());
            found.addAll(items);
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            if (!pending.isEmpty() && items.isEmpty()) {
                if (++roundsWithoutProgress > MAX_BATCH_ROUNDS_WITHOUT_PROGRESS) {
                    throw new IllegalStateException("BatchGetItem left keys unprocessed "
                            + roundsWithoutProgress + " times in a row");
                }
                pause(50L << roundsWithoutProgress);
            } else {
                roundsWithoutProgress = 0;
            }
        }
        return found;
    }

    private static double capacityUnits(ConsumedCapacity consumed) {
        return consumed == null || consumed.capacityUnits() == null ? 0 : consumed.capacityUnits();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while BatchGetItem backed off", e);
        }
    }

    /**
     * One Query of shard {@code shard} of the cluster's partitions in the list index, after {@code afterTaskId}
     * (null: from the start), reading at most {@code limit} index items. The filters other than the cluster are a
     * FilterExpression: the items they drop are read (and paid for) all the same, which {@code itemsRead} counts.
     */
    public ShardPage listShard(ListFilter filter, int shard, String afterTaskId, int limit) {
        Expression expression = new Expression();
        String partition = listShards.key(filter.cluster(), shard);
        String keyCondition = expression.name(TaskItems.LIST_KEY) + " = " + expression.value(partition);
        List<String> clauses = new ArrayList<>();
        if (filter.serviceName() != null) {
            clauses.add(expression.name(TaskItems.SERVICE) + " = " + expression.value(filter.serviceName()));
        }
        if (filter.desiredStatus() != null) {
            clauses.add(expression.name(TaskItems.DESIRED_STATUS) + " = " + expression.value(filter.desiredStatus()));
        }
        if (filter.lastStatus() != null) {
            clauses.add(expression.name(TaskItems.LAST_STATUS) + " = " + expression.value(filter.lastStatus()));
        }
        String projection = expression.name(TaskItems.TASK_ID) + ", " + expression.name(TaskItems.TASK_ARN);
        QueryResponse response = dynamo.query(QueryRequest.builder()
                .tableName(tableName)
                .indexName(TaskItems.LIST_INDEX)
                .keyConditionExpression(keyCondition)
                .filterExpression(clauses.isEmpty() ? null : String.join(" AND ", clauses))
                .projectionExpression(projection)
                .expressionAttributeNames(expression.names)
                .expressionAttributeValues(expression.values)
                .exclusiveStartKey(afterTaskId == null ? null : Map.of(
                        TaskItems.LIST_KEY, AttributeValue.fromS(partition),
                        TaskItems.TASK_ID, AttributeValue.fromS(afterTaskId)))
                .limit(limit)
                .build());
        List<ListedTask> tasks = response.items().stream()
                .map(item -> new ListedTask(item.get(TaskItems.TASK_ID).s(), TaskItems.string(item, TaskItems.TASK_ARN)))
                .toList();
        String continueAfter = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey().get(TaskItems.TASK_ID).s() : null;
        return new ShardPage(tasks, response.scannedCount(), continueAfter);
    }

    /**
     * Makes the change if its guard holds. A failed condition is not an error: the record as it was comes back
     * with it ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}), so the caller can tell why without a read.
     * The record is null when the task has no record.
     *
     * @param decidedOn the record a change guarded by its version was decided on (its kept history and keys are
     *     written from it); null for a blind change
     */
    public WriteResult apply(TaskChange change, TaskRecord decidedOn) {
        if (change.replacement() != null || !change.companions().isEmpty()) {
            return transact(change, decidedOn);
        }
        Update update = update(change, decidedOn);
        // The same conditional update as in a transaction, made on its own: it can return the new image.
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(update.tableName())
                .key(update.key())
                .updateExpression(update.updateExpression())
                .conditionExpression(update.conditionExpression())
                .expressionAttributeNames(update.expressionAttributeNames())
                .expressionAttributeValues(update.expressionAttributeValues())
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(update.returnValuesOnConditionCheckFailure())
                .build();
        try {
            UpdateItemResponse response = dynamo.updateItem(request);
            return WriteResult.written(TaskItems.toRecord(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return notWritten(e.item());
        } catch (TransactionConflictException e) {
            // The item is in another writer's transaction (a comeback's, a replacement's): a race lost as a failed
            // condition is, decided again on the record as it now is.
            return WriteResult.notWritten(find(change.taskId()).orElse(null));
        }
    }

    /**
     * The change with what it writes to other tasks, all or nothing: the creation of its replacement (the two are
     * linked both ways or not at all), and its companions (a returning task's stand-ins, each guarded by the version
     * it was decided on). A transaction returns no new image: the record is null.
     */
    private WriteResult transact(TaskChange change, TaskRecord decidedOn) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().update(update(change, decidedOn)).build());
        if (change.replacement() != null) {
            items.add(TransactWriteItem.builder().update(update(change.replacement(), null)).build());
        }
        for (TaskChange.Companion companion : change.companions()) {
            items.add(TransactWriteItem.builder().update(update(companion.change(), companion.decidedOn())).build());
        }
        try {
            dynamo.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (failedCondition(reasons, 0)) {
                return notWritten(reasons.get(0).item());
            }
            if (change.replacement() != null && failedCondition(reasons, 1)) {
                // The replaced task's condition held: only the replacement's id is taken (by anyone, for anything).
                return new WriteResult(false, null, true);
            }
            if (reasons.stream().anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                // The task is as decided on, another task it depends on is not: decide again, reading it anew.
                return WriteResult.notWritten(decidedOn);
            }
            if (reasons.stream().anyMatch(reason -> "TransactionConflict".equals(reason.code()))) {
                // Another writer was on an item: decide again on the record as it now is.
                return WriteResult.notWritten(find(change.taskId()).orElse(null));
            }
            throw e;
        }
        return WriteResult.written(null);
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** The one conditional update a change is: its condition, its update, its placeholders. */
    private Update update(TaskChange change, TaskRecord decidedOn) {
        Expression expression = new Expression();
        Kept window = change.guard().isBlind() ? null : Kept.after(decidedOn, kept);
        return Update.builder()
                .tableName(tableName)
                .key(key(change.taskId()))
                .updateExpression(updateExpression(change, decidedOn, window, expression))
                .conditionExpression(conditionExpression(change, kept, expression))
                .expressionAttributeNames(expression.names)
                .expressionAttributeValues(expression.values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static WriteResult notWritten(Map<String, AttributeValue> old) {
        return WriteResult.notWritten(old == null || old.isEmpty() ? null : TaskItems.toRecord(old));
    }

    /**
     * One page of the entries under one key of the sparse sweep index ({@link #sweepKeys}) that entered it at or
     * before {@code before}, oldest first. The index holds nothing else, and of each task only what tells whether it
     * is due: the sweeper reads the whole records of those that are ({@link #findAll}).
     */
    public IndexPage<SweepEntry> sweepCandidates(String sweepKey, Instant before, Map<String, AttributeValue> from,
                                                 int limit) {
        return indexPage(TaskItems.SWEEP_INDEX, TaskItems.SWEEP_KIND, TaskItems.SWEEP_SINCE, sweepKey, before, from,
                limit, TaskItems::toSweepEntry);
    }

    /** One page of a sparse index's entries under {@code key} whose sort key is at or before {@code before}. */
    private <T> IndexPage<T> indexPage(String index, String keyAttribute, String sortAttribute, String key,
                                       Instant before, Map<String, AttributeValue> from, int limit,
                                       Function<Map<String, AttributeValue>, T> entry) {
        QueryResponse response = dynamo.query(QueryRequest.builder()
                .tableName(tableName)
                .indexName(index)
                .keyConditionExpression("#key = :key AND #sort <= :before")
                .expressionAttributeNames(Map.of("#key", keyAttribute, "#sort", sortAttribute))
                .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(key),
                        ":before", AttributeValue.fromN(Long.toString(before.toEpochMilli()))))
                .exclusiveStartKey(from == null || from.isEmpty() ? null : from)
                .limit(limit)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .build());
        List<T> entries = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            try {
                entries.add(entry.apply(item));
            } catch (RuntimeException e) {
                AttributeValue id = item.get(TaskItems.TASK_ID);
                unreadable.add((id == null ? "?" : id.s()) + ": " + e);
            }
        }
        return new IndexPage<>(entries, unreadable, response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : null,
                capacityUnits(response.consumedCapacity()));
    }

    static String conditionExpression(TaskChange change, int kept, Expression expression) {
        Guard guard = change.guard();
        List<String> clauses = new ArrayList<>();
        String status = expression.name(TaskItems.LAST_STATUS);
        String phases = guard.phases().isEmpty() ? null
                : status + " IN (" + guard.phases().stream().sorted()
                        .map(phase -> expression.value(phase.name()))
                        .collect(Collectors.joining(", ")) + ")";
        if (guard.mayCreate()) {
            String absent = "attribute_not_exists(" + status + ")";
            clauses.add(phases == null ? absent : "(" + absent + " OR " + phases + ")");
        } else {
            clauses.add(phases);
        }
        if (guard.isBlind()) {
            if (change.ecsVersion() != null) {
                clauses.add(notAtOrBeyond(expression, TaskItems.ECS_VERSION, change.ecsVersion(), "<"));
            }
            if (change.agentTimestampMicros() != null) {
                clauses.add(notAtOrBeyond(expression, TaskItems.AGENT_TIMESTAMP, change.agentTimestampMicros(), "<="));
                String agentKey = expression.name(TaskItems.AGENT_KEY);
                clauses.add("(attribute_not_exists(" + agentKey + ") OR " + agentKey + " <> "
                        + expression.value(change.dedupeKey()) + ")");
            }
            // A record in the former layout, or with no room for another key, is rewritten by a write decided on it;
            // so is one wanted STOPPED that is older than the decommissioned flag, which that write then carries.
            clauses.add("attribute_not_exists(" + expression.name(TaskItems.FORMER_APPLIED_KEYS) + ")");
            String decommissioned = expression.name(TaskItems.DECOMMISSIONED);
            String desired = expression.name(TaskItems.DESIRED_STATUS);
            clauses.add("(attribute_exists(" + decommissioned + ") OR attribute_not_exists(" + desired + ") OR "
                    + desired + " <> " + expression.value(DesiredStatus.STOPPED.name()) + ")");
            String keys = expression.name(TaskItems.APPLIED_KEYS);
            clauses.add("(attribute_not_exists(" + keys + ") OR size(" + keys + ") < " + expression.number(kept)
                    + ")");
        } else {
            clauses.add(expression.name(TaskItems.VERSION) + " = " + expression.number(guard.version()));
        }
        guard.assumptions().stream().sorted().forEach(assumption -> clauses.add(clause(assumption, expression)));
        clauses.add("NOT contains(" + expression.name(TaskItems.APPLIED_KEYS) + ", "
                + expression.value(change.dedupeKey()) + ")");
        return String.join(" AND ", clauses);
    }

    private static String clause(Assumption assumption, Expression expression) {
        return switch (assumption) {
            case NO_ACTIVATION_STEP -> "NOT contains(" + expression.name(TaskItems.STEPS) + ", "
                    + expression.value(Step.ACTIVATION.name()) + ")";
            case NO_DEPROVISIONING_STEP -> "NOT contains(" + expression.name(TaskItems.STEPS) + ", "
                    + expression.value(Step.DEPROVISIONING.name()) + ")";
            case NOT_REPLACED_ON_FAILURE -> "attribute_not_exists(" + expression.name(TaskItems.REPLACE_ON_FAILURE)
                    + ")";
            case NOT_REPLACED -> "attribute_not_exists(" + expression.name(TaskItems.REPLACED_BY) + ")";
            case NO_STOP_REQUESTED -> {
                String desired = expression.name(TaskItems.DESIRED_STATUS);
                yield "(attribute_not_exists(" + desired + ") OR " + desired + " <> "
                        + expression.value(DesiredStatus.STOPPED.name()) + ")";
            }
            case NO_DEACTIVATION_STEP -> "NOT contains(" + expression.name(TaskItems.STEPS) + ", "
                    + expression.value(Step.DEACTIVATION.name()) + ")";
            case NOT_ENDED -> "attribute_not_exists(" + expression.name(TaskItems.OUTCOME) + ")";
            case NOT_ECS_TASK -> "attribute_not_exists(" + expression.name(TaskItems.TASK_ARN) + ")";
            case NOT_AGENT_TASK -> "(attribute_not_exists(" + expression.name(TaskItems.LAST_STATUS)
                    + ") OR attribute_exists(" + expression.name(TaskItems.TASK_ARN) + "))";
            case NOT_EXPUNGED -> "attribute_not_exists(" + expression.name(TaskItems.EXPUNGED_AT) + ")";
            case NO_STOP_CODE_RECORDED -> "attribute_not_exists(" + expression.name(TaskItems.STOP_CODE) + ")";
        };
    }

    private static String notAtOrBeyond(Expression expression, String attribute, long value, String operator) {
        String name = expression.name(attribute);
        return "(attribute_not_exists(" + name + ") OR " + name + " " + operator + " " + expression.number(value)
                + ")";
    }

    /**
     * @param decidedOn the record a change guarded by its version was decided on
     * @param window what a write decided on the record keeps of its history and keys (before this change's own),
     *     or null for a blind write, which appends to them
     */
    String updateExpression(TaskChange change, TaskRecord decidedOn, Kept window, Expression expression) {
        StringJoiner set = new StringJoiner(", ", "SET ", "");
        StringJoiner remove = new StringJoiner(", ", " REMOVE ", "").setEmptyValue("");
        String version = expression.name(TaskItems.VERSION);
        set.add(version + " = if_not_exists(" + version + ", " + expression.number(0) + ") + "
                + expression.number(1));
        String at = expression.value(TaskItems.time(change.at()));
        set.add(expression.name(TaskItems.UPDATED_AT) + " = " + at);
        if (change.compactTombstone()) {
            return set + compaction(expression);
        }
        set.add(ifAbsent(expression, TaskItems.CREATED_AT, at));
        List<HistoryEntry> added = List.of();
        if (change.moveTo() != null) {
            set.add(expression.name(TaskItems.LAST_STATUS) + " = " + expression.value(change.moveTo().name()));
            added = List.of(new HistoryEntry(change.moveTo(), change.cause(), change.dedupeKey(), change.at()));
        }
        switch (Timer.after(change, decidedOn)) {
            case Timer.Started started -> {
                set.add(expression.name(TaskItems.SWEEP_KIND) + " = "
                        + expression.value(sweepIndex.key(started.timer(), change.taskId())));
                set.add(expression.name(TaskItems.SWEEP_SINCE) + " = "
                        + expression.number(started.since().toEpochMilli()));
            }
            case Timer.Cleared cleared -> {
                remove.add(expression.name(TaskItems.SWEEP_KIND));
                remove.add(expression.name(TaskItems.SWEEP_SINCE));
            }
            case Timer.Kept kept -> {
            }
        }
        if (change.requestKill()) {
            String kills = expression.name(TaskItems.KILLS_REQUESTED);
            set.add(kills + " = if_not_exists(" + kills + ", " + expression.number(0) + ") + " + expression.number(1));
            set.add(expression.name(TaskItems.KILL_REQUESTED_AT) + " = " + at);
        }
        // The reconcile index holds a live task from its source's first report written until it stops; every report
        // written (a move or not) says it was heard from. No report is ever written to a STOPPED task.
        ReconcileKind source = change.ecsVersion() != null ? ReconcileKind.ECS
                : change.agentTimestampMicros() != null ? ReconcileKind.AGENT : null;
        if (change.moveTo() == Phase.STOPPED) {
            remove.add(expression.name(TaskItems.RECONCILE_KEY));
            remove.add(expression.name(TaskItems.HEARD_AT));
        } else if (source != null) {
            set.add(expression.name(TaskItems.RECONCILE_KEY) + " = "
                    + expression.value(reconcileKey(source, change.taskId())));
            set.add(expression.name(TaskItems.HEARD_AT) + " = " + expression.number(change.at().toEpochMilli()));
        }
        List<String> keyAdded = change.forgetKey() ? List.of() : List.of(change.dedupeKey());
        List<AttributeValue> entries = added.stream().map(TaskItems::historyEntry).toList();
        List<AttributeValue> keys = keyAdded.stream().map(AttributeValue::fromS).toList();
        if (window == null) {
            appendIfAny(set, expression, TaskItems.HISTORY, entries);
            appendIfAny(set, expression, TaskItems.APPLIED_KEYS, keys);
        } else {
            window.rewrite(set, remove, expression, entries, keys);
        }
        if (change.desiredStatus() != null) {
            setMaybeIfAbsent(set, expression, TaskItems.DESIRED_STATUS, change.desiredStatus(),
                    change.keepDesiredStatus());
        }
        setIfPresent(set, expression, TaskItems.AGENT_STATE, change.agentState());
        setIfPresent(set, expression, TaskItems.AGENT_TIMESTAMP, change.agentTimestampMicros());
        if (change.agentTimestampMicros() != null && !change.forgetKey()) {
            set.add(expression.name(TaskItems.AGENT_KEY) + " = " + expression.value(change.dedupeKey()));
        }
        if (change.outcome() != null) {
            setMaybeIfAbsent(set, expression, TaskItems.OUTCOME, change.outcome(), change.keepOutcome());
        }
        if (change.outcomeReason() != null) {
            setMaybeIfAbsent(set, expression, TaskItems.OUTCOME_REASON, change.outcomeReason(), change.keepOutcome());
        }
        setIfPresent(set, expression, TaskItems.ECS_VERSION, change.ecsVersion());
        // Identity, launch settings and links never change for a task: first writer wins.
        setIfAbsent(set, expression, TaskItems.CLUSTER, TaskItems.clusterToStore(change.cluster(), change.taskArn()));
        setIfAbsent(set, expression, TaskItems.LIST_KEY, change.cluster() == null ? null
                : listShards.keyOf(change.cluster(), change.taskId()));
        setIfAbsent(set, expression, TaskItems.TASK_ARN, change.taskArn());
        setIfAbsent(set, expression, TaskItems.SERVICE, change.service());
        setIfAbsent(set, expression, TaskItems.INACTIVE_AFTER, change.inactiveAfterSeconds());
        setIfAbsent(set, expression, TaskItems.EXPUNGE_AFTER, change.expungeAfterSeconds());
        setIfAbsent(set, expression, TaskItems.STOP_REASON, change.stopReason());
        setIfAbsent(set, expression, TaskItems.STOP_CODE, change.stopCode());
        setIfAbsent(set, expression, TaskItems.REPLACEMENT_OF, change.replacementOf());
        setIfAbsent(set, expression, TaskItems.REPLACED_BY, change.replacedBy());
        if (change.releasedReplacement() != null) {
            remove.add(expression.name(TaskItems.REPLACED_BY));
            set.add(expression.name(TaskItems.RELEASED_REPLACEMENT) + " = "
                    + expression.value(change.releasedReplacement()));
        }
        setIfPresent(set, expression, TaskItems.SURPLUS_KEPT, change.surplusKept());
        setIfPresent(set, expression, TaskItems.SURPLUS_STOPPED, change.surplusStopped());
        setIfAbsent(set, expression, TaskItems.KILL_SELECTION,
                change.killSelection() == null ? null : change.killSelection().name());
        setIfAbsent(set, expression, TaskItems.LAUNCHED_AT, millis(change.launchedAt()));
        setIfAbsent(set, expression, TaskItems.STARTED_AT, millis(change.startedAt()));
        setIfAbsent(set, expression, TaskItems.STOPPED_AT, millis(change.stoppedAt()));
        // Always written, so that an item without it is known to be older than the flag (TaskItems reads those).
        boolean decommissioned = change.decommission() || (window != null && decidedOn.decommissioned());
        String flag = expression.value(AttributeValue.fromBool(decommissioned));
        if (decommissioned || window != null) {
            set.add(expression.name(TaskItems.DECOMMISSIONED) + " = " + flag);
        } else {
            // A blind write never lands on an item older than the flag and wanted STOPPED (its condition).
            set.add(ifAbsent(expression, TaskItems.DECOMMISSIONED, flag));
        }
        if (change.replaceOnFailure()) {
            set.add(ifAbsent(expression, TaskItems.REPLACE_ON_FAILURE, expression.value(AttributeValue.fromBool(true))));
        }
        if (!change.steps().isEmpty()) {
            set.add(ifAbsent(expression, TaskItems.STEPS, expression.value(AttributeValue.fromSs(
                    change.steps().stream().map(Step::name).sorted().toList()))));
        }
        if (change.tombstoneUntil() != null) {
            set.add(expression.name(TaskItems.TOMBSTONE_UNTIL) + " = " + expression.number(change.tombstoneUntil()));
            set.add(expression.name(TaskItems.EXPUNGED_AT) + " = " + at);
        }
        return set.toString() + remove;
    }

    private static void appendIfAny(StringJoiner set, Expression expression, String attribute,
                                    List<AttributeValue> elements) {
        if (!elements.isEmpty()) {
            String name = expression.name(attribute);
            set.add(name + " = list_append(if_not_exists(" + name + ", " + expression.emptyList() + "), "
                    + expression.value(AttributeValue.fromL(elements)) + ")");
        }
    }

    /**
     * What a write decided on a record keeps of its history and dedupe keys: all of them, or once {@code kept} are
     * reached the newest {@code kept / 2} of each; the moves dropped are counted, and the phase the last of them
     * entered is kept as the origin of the first move kept.
     */
    record Kept(List<HistoryEntry> history, List<String> keys, long earlierMoves, Phase earlierPhase) {

        static Kept after(TaskRecord record, int kept) {
            List<HistoryEntry> history = record.history();
            List<String> keys = List.copyOf(record.appliedKeys());
            if (Math.max(history.size(), keys.size()) < kept) {
                return new Kept(history, keys, record.earlierMoves(), record.earlierPhase());
            }
            int newest = kept / 2;
            int dropped = Math.max(0, history.size() - newest);
            return new Kept(history.subList(dropped, history.size()),
                    keys.subList(Math.max(0, keys.size() - newest), keys.size()),
                    record.earlierMoves() + dropped,
                    dropped == 0 ? record.earlierPhase() : history.get(dropped - 1).to());
        }

        /** Writes the kept part with this write's own entry and key added; drops the former layout's. */
        void rewrite(StringJoiner set, StringJoiner remove, Expression expression, List<AttributeValue> entries,
                     List<AttributeValue> keysAdded) {
            List<AttributeValue> allEntries = new ArrayList<>(history.stream().map(TaskItems::historyEntry).toList());
            allEntries.addAll(entries);
            List<AttributeValue> allKeys = new ArrayList<>(keys.stream().map(AttributeValue::fromS).toList());
            allKeys.addAll(keysAdded);
            setOrRemove(set, remove, expression, TaskItems.HISTORY,
                    allEntries.isEmpty() ? null : AttributeValue.fromL(allEntries));
            setOrRemove(set, remove, expression, TaskItems.APPLIED_KEYS,
                    allKeys.isEmpty() ? null : AttributeValue.fromL(allKeys));
            setOrRemove(set, remove, expression, TaskItems.EARLIER_MOVES,
                    earlierMoves == 0 ? null : AttributeValue.fromN(Long.toString(earlierMoves)));
            setOrRemove(set, remove, expression, TaskItems.EARLIER_PHASE,
                    earlierPhase == null ? null : AttributeValue.fromS(earlierPhase.name()));
            remove.add(expression.name(TaskItems.FORMER_HISTORY));
            remove.add(expression.name(TaskItems.FORMER_APPLIED_KEYS));
        }

        private static void setOrRemove(StringJoiner set, StringJoiner remove, Expression expression,
                                        String attribute, AttributeValue value) {
            if (value == null) {
                remove.add(expression.name(attribute));
            } else {
                set.add(expression.name(attribute) + " = " + expression.value(value));
            }
        }
    }

    /**
     * What compacting an expunged task drops: its story and what only mattered while it lived. What stays (phase,
     * outcome, the sources' order, identity, lineage, {@code expungedAt}) keeps it dead and still describable.
     */
    private static String compaction(Expression expression) {
        return " REMOVE " + Stream.of(TaskItems.HISTORY, TaskItems.APPLIED_KEYS, TaskItems.FORMER_HISTORY,
                        TaskItems.FORMER_APPLIED_KEYS, TaskItems.EARLIER_MOVES, TaskItems.EARLIER_PHASE,
                        TaskItems.OUTCOME_REASON, TaskItems.STOP_REASON, TaskItems.STEPS, TaskItems.INACTIVE_AFTER,
                        TaskItems.EXPUNGE_AFTER, TaskItems.TOMBSTONE_UNTIL, TaskItems.SWEEP_KIND,
                        TaskItems.SWEEP_SINCE)
                .map(expression::name).collect(Collectors.joining(", "));
    }

    private static Long millis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }

    private static void setIfPresent(StringJoiner set, Expression expression, String attribute, Object value) {
        if (value != null) {
            set.add(expression.name(attribute) + " = " + expression.value(value));
        }
    }

    private static void setIfAbsent(StringJoiner set, Expression expression, String attribute, Object value) {
        if (value != null) {
            set.add(ifAbsent(expression, attribute, expression.value(value)));
        }
    }

    private static void setMaybeIfAbsent(StringJoiner set, Expression expression, String attribute, Object value,
                                         boolean onlyIfAbsent) {
        if (onlyIfAbsent) {
            setIfAbsent(set, expression, attribute, value);
        } else {
            setIfPresent(set, expression, attribute, value);
        }
    }

    private static String ifAbsent(Expression expression, String attribute, String valuePlaceholder) {
        String name = expression.name(attribute);
        return name + " = if_not_exists(" + name + ", " + valuePlaceholder + ")";
    }

    private Map<String, AttributeValue> key(String taskId) {
        return Map.of(TaskItems.TASK_ID, AttributeValue.fromS(taskId));
    }

    /** Placeholders for names and values: nothing from an event is ever spliced into expression text. */
    static final class Expression {
        final Map<String, String> names = new HashMap<>();
        final Map<String, AttributeValue> values = new HashMap<>();

        String name(String attribute) {
            String placeholder = "#" + attribute;
            names.put(placeholder, attribute);
            return placeholder;
        }

        String value(Object value) {
            AttributeValue attributeValue;
            if (value instanceof AttributeValue given) {
                attributeValue = given;
            } else if (value instanceof Number number) {
                attributeValue = AttributeValue.fromN(number.toString());
            } else if (value instanceof Enum<?> constant) {
                attributeValue = AttributeValue.fromS(constant.name());
            } else {
                attributeValue = AttributeValue.fromS(value.toString());
            }
            String placeholder = ":v" + values.size();
            values.put(placeholder, attributeValue);
            return placeholder;
        }

        String number(long value) {
            return value(value);
        }

        String emptyList() {
            return value(AttributeValue.fromL(List.of()));
        }
    }
}
