package dev.tasklife.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The only place the task table is written by a lifecycle change: every change is one conditional write
 * ({@link WriteExpressions}), the move, its history entry and the version bump together or not at all; a change that
 * creates a replacement, or moves a returning task's stand-ins, is one transaction with them.
 */
public class ConditionalWrite {

    private final TaskTable table;
    private final TaskReads reads;
    private final WriteExpressions expressions;
    private final SeenWindows seen;

    /** {@code kept}: the moves and dedupe keys an item keeps (at least 2). */
    public ConditionalWrite(TaskTable table, TaskReads reads, IndexKeys keys, int kept) {
        this.table = table;
        this.reads = reads;
        this.expressions = new WriteExpressions(keys, kept);
        this.seen = new SeenWindows(kept);
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
        Update update = expressions.update(table.name(), change, decidedOn, seen.of(change.taskId()));
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
        WriteResult result;
        try {
            UpdateItemResponse response = table.dynamo().updateItem(request);
            result = WriteResult.written(TaskItems.toRecord(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            result = notWritten(e.item());
        } catch (TransactionConflictException e) {
            // The item is in another writer's transaction (a comeback's, a replacement's): a race lost as a failed
            // condition is, decided again on the record as it now is.
            result = WriteResult.notWritten(reads.find(change.taskId()).orElse(null));
        }
        seen.saw(change.taskId(), result.record());
        return result;
    }

    /**
     * The change with what it writes to other tasks, all or nothing: the creation of its replacement (the two are
     * linked both ways or not at all), and its companions (a returning task's stand-ins, each guarded by the version
     * it was decided on). A transaction returns no new image: the record is null.
     */
    private WriteResult transact(TaskChange change, TaskRecord decidedOn) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().update(expressions.update(table.name(), change, decidedOn,
                seen.of(change.taskId()))).build());
        if (change.replacement() != null) {
            items.add(TransactWriteItem.builder().update(expressions.update(table.name(), change.replacement(), null,
                    FullWindows.NONE)).build());
        }
        for (TaskChange.Companion companion : change.companions()) {
            items.add(TransactWriteItem.builder().update(expressions.update(table.name(), companion.change(),
                    companion.decidedOn(), seen.of(companion.change().taskId()))).build());
        }
        try {
            table.dynamo().transactWriteItems(TransactWriteItemsRequest.builder().transactItems(items).build());
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
                return WriteResult.notWritten(reads.find(change.taskId()).orElse(null));
            }
            throw e;
        }
        return WriteResult.written(null);
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static WriteResult notWritten(Map<String, AttributeValue> old) {
        return WriteResult.notWritten(old == null || old.isEmpty() ? null : TaskItems.toRecord(old));
    }
}
