package dev.tasklife.store;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Timer;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The one Scan of the table, run by hand after an upgrade (the backfill function): items written before the reconcile
 * or the list index existed, and the conditional writes that add the keys they lack. Nothing else scans.
 */
public class BackfillScan {

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

    private final TaskTable table;
    private final IndexKeys keys;

    public BackfillScan(TaskTable table, IndexKeys keys) {
        this.table = table;
        this.keys = keys;
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
            response = table.dynamo().scan(backfillScanRequest(segment, segments, afterTaskId, limit));
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
        return new ScanPage<>(found, response.scannedCount(), TaskTable.units(response.consumedCapacity()),
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
                + ")) AND attribute_not_exists(" + expression.name(TaskItems.LIST_KEY) + "))"
                + " OR (" + status + " = " + expression.value(Phase.STOPPED.name()) + " AND " + notRetained(expression)
                + ")";
        String projection = Stream.of(TaskItems.TASK_ID, TaskItems.LAST_STATUS, TaskItems.ECS_VERSION,
                        TaskItems.AGENT_TIMESTAMP, TaskItems.CLUSTER, TaskItems.TASK_ARN, TaskItems.RECONCILE_KEY,
                        TaskItems.LIST_KEY, TaskItems.UPDATED_AT, TaskItems.EXPUNGED_AT, TaskItems.COMPACTED_AT,
                        TaskItems.SWEEP_KIND)
                .map(expression::name).collect(Collectors.joining(", "));
        return ScanRequest.builder()
                .tableName(table.name())
                .segment(segment)
                .totalSegments(segments)
                .filterExpression(filter)
                .projectionExpression(projection)
                .expressionAttributeNames(expression.names)
                .expressionAttributeValues(expression.values)
                .exclusiveStartKey(afterTaskId == null ? null : TaskTable.key(afterTaskId))
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
                        + expression.value(keys.reconcileKey(task.source(), task.taskId())) + ", " + heardAt
                        + " = if_not_exists(" + heardAt + ", " + expression.number(task.updatedAt().toEpochMilli())
                        + ")",
                "attribute_exists(" + status + ") AND " + status + " <> " + expression.value(Phase.STOPPED.name())
                        + " AND attribute_not_exists(" + expression.name(TaskItems.RECONCILE_KEY) + ")",
                expression);
    }

    /** A STOPPED task that neither waits on its tombstone or retention nor was compacted. */
    private static String notRetained(Expression expression) {
        return TaskItems.UNRETAINED_LACKS.stream()
                .map(attribute -> "attribute_not_exists(" + expression.name(attribute) + ")")
                .collect(Collectors.joining(" AND "));
    }

    /**
     * Starts the retention time of a task that stopped before it existed, from when the task was last written
     * (false: it moved on, or something started it meanwhile).
     */
    public boolean addToRetention(BackfillCandidate task) {
        Expression expression = new Expression();
        String status = expression.name(TaskItems.LAST_STATUS);
        return updateIf(task.taskId(), "SET " + expression.name(TaskItems.SWEEP_KIND) + " = "
                        + expression.value(keys.sweepKey(Timer.RETAIN, task.taskId())) + ", "
                        + expression.name(TaskItems.SWEEP_SINCE) + " = "
                        + expression.number(task.updatedAt().toEpochMilli()),
                status + " = " + expression.value(Phase.STOPPED.name()) + " AND " + notRetained(expression),
                expression);
    }

    /** Puts a task found by {@link #backfillScan} in the list index under its cluster (false: it is there already). */
    public boolean addToListIndex(BackfillCandidate task) {
        Expression expression = new Expression();
        return updateIf(task.taskId(), "SET " + expression.name(TaskItems.LIST_KEY) + " = "
                        + expression.value(keys.listKey(task.cluster(), task.taskId())),
                // A task's cluster never changes: the key is added to the task as it was read, if it still lacks it.
                "attribute_exists(" + expression.name(TaskItems.TASK_ID) + ") AND attribute_not_exists("
                        + expression.name(TaskItems.LIST_KEY) + ")",
                expression);
    }

    private boolean updateIf(String taskId, String update, String condition, Expression expression) {
        try {
            table.dynamo().updateItem(UpdateItemRequest.builder()
                    .tableName(table.name())
                    .key(TaskTable.key(taskId))
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
}
