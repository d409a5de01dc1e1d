package dev.tasklife.store;

import java.util.Map;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/** The task table as each store class reaches it: the client and the table's name. */
public record TaskTable(DynamoDbClient dynamo, String name) {

    /** The key of a task's item. */
    static Map<String, AttributeValue> key(String taskId) {
        return Map.of(TaskItems.TASK_ID, AttributeValue.fromS(taskId));
    }

    /** The read (or write) units a request consumed, as DynamoDB reported them; 0 when it did not. */
    static double units(ConsumedCapacity consumed) {
        return consumed == null || consumed.capacityUnits() == null ? 0 : consumed.capacityUnits();
    }
}
