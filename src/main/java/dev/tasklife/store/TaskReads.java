package dev.tasklife.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Task records read by id: one (consistently, for a decision), or up to a hundred in one BatchGetItem, each item on
 * its own (lifecycle.md, "One unreadable item fails only itself").
 */
public class TaskReads {

    /**
     * Records read by id (an id no item has is in neither map), with what reading them cost; {@code unreadable}: the
     * items that are not task records this code can read, by id, with why. Every reader of many items reads them so:
     * one unreadable item fails only itself (lifecycle.md).
     */
    public record Records(Map<String, TaskRecord> records, Map<String, String> unreadable, double readUnits) {
    }

    /** The most keys one BatchGetItem reads. */
    public static final int MAX_BATCH_READ = 100;

    /** BatchGetItem rounds in a row that may return nothing (throttled) before the read fails. */
    private static final int MAX_BATCH_ROUNDS_WITHOUT_PROGRESS = 5;

    private final TaskTable table;

    public TaskReads(TaskTable table) {
        this.table = table;
    }

    /**
     * The task's record, read consistently.
     *
     * @throws UnreadableItemException for an item this version cannot read
     */
    public Optional<TaskRecord> find(String taskId) {
        Map<String, AttributeValue> item = table.dynamo().getItem(GetItemRequest.builder()
                .tableName(table.name())
                .key(TaskTable.key(taskId))
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
        Map<String, KeysAndAttributes> pending = Map.of(table.name(), KeysAndAttributes.builder()
                .keys(taskIds.stream().map(TaskTable::key).toList()).consistentRead(consistent)
                .projectionExpression(projection).build());
        int roundsWithoutProgress = 0;
        while (!pending.isEmpty()) {
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response = table.dynamo().batchGetItem(batch -> batch.requestItems(request)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            if (response.hasConsumedCapacity()) {
                response.consumedCapacity().forEach(consumed -> units[0] += TaskTable.units(consumed));
            }
            List<Map<String, AttributeValue>> items = response.responses().getOrDefault(table.name(), List.of());
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while BatchGetItem backed off", e);
        }
    }
}
