package dev.tasklife.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.tasklife.domain.ReconcileEntry;
import dev.tasklife.domain.SweepEntry;
import dev.tasklife.domain.Timer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The Queries of the three sparse indexes, never the table: the sweep index (the waits the sweeper times), the
 * reconcile index (live tasks by when their source last moved them) and the list index (a cluster's tasks).
 */
public class IndexQueries {

    /** One task of a list page: its id and, when it has one, its ARN. */
    public record ListedTask(String taskId, String taskArn) {
    }

    /**
     * One Query of one shard of the list index: the tasks that passed the filter, how many index items were read to
     * find them, and the id to go on after in this shard (null: the shard is done).
     */
    public record ShardPage(List<ListedTask> tasks, int itemsRead, String continueAfter) {
    }

    private final TaskTable table;
    private final IndexKeys keys;

    public IndexQueries(TaskTable table, IndexKeys keys) {
        this.table = table;
        this.keys = keys;
    }

    /** The sweep index's keys of one kind, all of which a sweep reads. */
    public List<String> sweepKeys(Timer kind) {
        return keys.sweepKeys(kind);
    }

    /**
     * One page of the entries under one key of the sparse sweep index ({@link #sweepKeys}) that entered it at or
     * before {@code before}, oldest first. The index holds nothing else, and of each task only what tells whether it
     * is due: the sweeper reads the whole records of those that are ({@link TaskReads#findAll}).
     */
    public IndexPage<SweepEntry> sweepCandidates(String sweepKey, Instant before, Map<String, AttributeValue> from,
                                                 int limit) {
        return indexPage(TaskItems.SWEEP_INDEX, TaskItems.SWEEP_KIND, TaskItems.SWEEP_SINCE, sweepKey, before, from,
                limit, TaskItems::toSweepEntry);
    }

    /** The reconcile index's keys of one kind (as many shards as the sweep index's), all of which a run reads. */
    public List<String> reconcileKeys(ReconcileKind kind) {
        return keys.reconcileKeys(kind);
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

    /**
     * One Query of shard {@code shard} of the cluster's partitions in the list index, after {@code afterTaskId}
     * (null: from the start), reading at most {@code limit} index items. The filters other than the cluster are a
     * FilterExpression: the items they drop are read (and paid for) all the same, which {@code itemsRead} counts.
     */
    public ShardPage listShard(ListFilter filter, int shard, String afterTaskId, int limit) {
        Expression expression = new Expression();
        String partition = keys.listKey(filter.cluster(), shard);
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
        QueryResponse response = table.dynamo().query(QueryRequest.builder()
                .tableName(table.name())
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
                .map(item -> new ListedTask(item.get(TaskItems.TASK_ID).s(),
                        TaskItems.string(item, TaskItems.TASK_ARN)))
                .toList();
        String continueAfter = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey().get(TaskItems.TASK_ID).s() : null;
        return new ShardPage(tasks, response.scannedCount(), continueAfter);
    }

    /** One page of a sparse index's entries under {@code key} whose sort key is at or before {@code before}. */
    private <T> IndexPage<T> indexPage(String index, String keyAttribute, String sortAttribute, String key,
                                       Instant before, Map<String, AttributeValue> from, int limit,
                                       Function<Map<String, AttributeValue>, T> entry) {
        QueryResponse response = table.dynamo().query(QueryRequest.builder()
                .tableName(table.name())
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
                TaskTable.units(response.consumedCapacity()));
    }
}
