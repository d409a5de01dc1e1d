package dev.tasklife.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Collectors;

import dev.tasklife.domain.Guard;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The task table. Every change is one conditional {@code UpdateItem}: the condition is the change's
 * {@link Guard} (allowed predecessor phases, version or source order, dedupe key), and the move, its history entry
 * and the version bump are written together or not at all. Event data enters only as expression attribute values.
 */
public class TaskStore {

    /** What a conditional write did: the record after it, or, when its condition failed, the record as it was. */
    public record WriteResult(boolean written, TaskRecord record) {
    }

    private final DynamoDbClient dynamo;
    private final String tableName;

    public TaskStore(DynamoDbClient dynamo, String tableName) {
        this.dynamo = dynamo;
        this.tableName = tableName;
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
     * Makes the change if its guard holds. A failed condition is not an error: the record as it was comes back
     * with it ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}), so the caller can tell why without a read.
     * The record is null when the task has no record.
     */
    public WriteResult apply(TaskChange change) {
        Expression expression = new Expression();
        String update = updateExpression(change, expression);
        String condition = conditionExpression(change, expression);
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(tableName)
                .key(key(change.taskId()))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(expression.names)
                .expressionAttributeValues(expression.values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
        try {
            UpdateItemResponse response = dynamo.updateItem(request);
            return new WriteResult(true, TaskItems.toRecord(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.item();
            return new WriteResult(false, old == null || old.isEmpty() ? null : TaskItems.toRecord(old));
        }
    }

    static String conditionExpression(TaskChange change, Expression expression) {
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
            }
        } else {
            clauses.add(expression.name(TaskItems.VERSION) + " = " + expression.number(guard.version()));
        }
        if (guard.stepAbsent() != null) {
            clauses.add("NOT contains(" + expression.name(TaskItems.STEPS) + ", "
                    + expression.value(guard.stepAbsent().name()) + ")");
        }
        clauses.add("NOT contains(" + expression.name(TaskItems.APPLIED_KEYS) + ", "
                + expression.value(change.dedupeKey()) + ")");
        return String.join(" AND ", clauses);
    }

    private static String notAtOrBeyond(Expression expression, String attribute, long value, String operator) {
        String name = expression.name(attribute);
        return "(attribute_not_exists(" + name + ") OR " + name + " " + operator + " " + expression.number(value)
                + ")";
    }

    static String updateExpression(TaskChange change, Expression expression) {
        StringJoiner set = new StringJoiner(", ", "SET ", "");
        String version = expression.name(TaskItems.VERSION);
        set.add(version + " = if_not_exists(" + version + ", " + expression.number(0) + ") + "
                + expression.number(1));
        String at = expression.value(change.at().toString());
        set.add(expression.name(TaskItems.UPDATED_AT) + " = " + at);
        set.add(ifAbsent(expression, TaskItems.CREATED_AT, at));
        if (change.moveTo() != null) {
            set.add(expression.name(TaskItems.LAST_STATUS) + " = " + expression.value(change.moveTo().name()));
            String history = expression.name(TaskItems.HISTORY);
            HistoryEntry entry = new HistoryEntry(change.moveTo(), change.cause(), change.dedupeKey(), change.at());
            set.add(history + " = list_append(if_not_exists(" + history + ", " + expression.emptyList() + "), "
                    + expression.value(AttributeValue.fromL(List.of(TaskItems.historyEntry(entry)))) + ")");
        }
        if (change.desiredStatus() != null) {
            String desired = expression.value(change.desiredStatus().name());
            set.add(change.keepDesiredStatus() ? ifAbsent(expression, TaskItems.DESIRED_STATUS, desired)
                    : expression.name(TaskItems.DESIRED_STATUS) + " = " + desired);
        }
        setIfPresent(set, expression, TaskItems.AGENT_STATE, change.agentState());
        setIfPresent(set, expression, TaskItems.AGENT_TIMESTAMP, change.agentTimestampMicros());
        setIfPresent(set, expression, TaskItems.OUTCOME, change.outcome());
        setIfPresent(set, expression, TaskItems.OUTCOME_REASON, change.outcomeReason());
        setIfPresent(set, expression, TaskItems.ECS_VERSION, change.ecsVersion());
        // Identity and launch settings never change for a task: first writer wins.
        setIfAbsent(set, expression, TaskItems.CLUSTER, change.cluster());
        setIfAbsent(set, expression, TaskItems.TASK_ARN, change.taskArn());
        setIfAbsent(set, expression, TaskItems.SERVICE, change.service());
        setIfAbsent(set, expression, TaskItems.INACTIVE_AFTER, change.inactiveAfterSeconds());
        setIfAbsent(set, expression, TaskItems.EXPUNGE_AFTER, change.expungeAfterSeconds());
        setIfAbsent(set, expression, TaskItems.STOP_REASON, change.stopReason());
        if (!change.steps().isEmpty()) {
            set.add(ifAbsent(expression, TaskItems.STEPS, expression.value(AttributeValue.fromSs(
                    change.steps().stream().map(Step::name).sorted().toList()))));
        }
        return set + " ADD " + expression.name(TaskItems.APPLIED_KEYS) + " "
                + expression.value(AttributeValue.fromSs(List.of(change.dedupeKey())));
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
