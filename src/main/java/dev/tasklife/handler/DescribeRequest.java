package dev.tasklife.handler;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Phase;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.PageTokens;
import dev.tasklife.service.TaskListing;
import dev.tasklife.store.ListFilter;

/**
 * What the describe function is asked, told apart by its one selecting field: {@code taskId} (one task),
 * {@code taskIds} (ECS DescribeTasks) or {@code cluster} (ECS ListTasks). A field the form does not take is
 * INVALID rather than ignored: a misspelt filter would otherwise widen the answer silently.
 */
sealed interface DescribeRequest {

    /** BatchGetItem's limit, and ECS DescribeTasks'. */
    int MAX_TASK_IDS = 100;
    /** ECS cluster and service names or ARNs; the events are read with the same bound. */
    int MAX_NAME_LENGTH = 1600;

    record One(String taskId) implements DescribeRequest {
    }

    /** Each id once, in the order first asked. */
    record Several(Set<String> taskIds) implements DescribeRequest {
    }

    record Listing(ListFilter filter, int maxResults, String nextToken) implements DescribeRequest {
    }

    static DescribeRequest parse(JsonNode input) throws InvalidEventException {
        if (input.has("taskId")) {
            JsonFields.onlyFields(input, Set.of("taskId"));
            return new One(JsonFields.taskId(input, "", "taskId"));
        }
        if (input.has("taskIds")) {
            JsonFields.onlyFields(input, Set.of("taskIds"));
            return new Several(taskIds(input.get("taskIds")));
        }
        if (input.has("cluster")) {
            JsonFields.onlyFields(input, Set.of("cluster", "serviceName", "desiredStatus", "lastStatus", "maxResults",
                    "nextToken"));
            ListFilter filter = new ListFilter(
                    JsonFields.requiredCluster(input, "", "cluster"),
                    JsonFields.optionalText(input, "", "serviceName", MAX_NAME_LENGTH),
                    name(input, "desiredStatus", DesiredStatus.values()),
                    name(input, "lastStatus", Phase.values()));
            return new Listing(filter, maxResults(input),
                    JsonFields.optionalText(input, "", "nextToken", PageTokens.MAX_TOKEN_LENGTH));
        }
        throw new InvalidEventException("taskId, taskIds or cluster is required");
    }

    private static Set<String> taskIds(JsonNode ids) throws InvalidEventException {
        if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_TASK_IDS) {
            throw new InvalidEventException("taskIds must be a list of 1 to " + MAX_TASK_IDS + " task ids");
        }
        Set<String> taskIds = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw new InvalidEventException("taskIds must hold strings");
            }
            taskIds.add(JsonFields.checkTaskId("taskIds[]", id.textValue()));
        }
        return taskIds;
    }

    /** One of {@code constants} by its exact name, or null when the field is absent. */
    private static <E extends Enum<E>> E name(JsonNode input, String field, E[] constants)
            throws InvalidEventException {
        String text = JsonFields.optionalText(input, "", field, JsonFields.MAX_ID_LENGTH);
        if (text == null) {
            return null;
        }
        for (E constant : constants) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        throw new InvalidEventException(field + " must be one of " + Arrays.toString(constants));
    }

    private static int maxResults(JsonNode input) throws InvalidEventException {
        JsonNode node = input.get("maxResults");
        if (node == null || node.isNull()) {
            return TaskListing.MAX_RESULTS;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1
                || node.intValue() > TaskListing.MAX_RESULTS) {
            throw new InvalidEventException("maxResults must be an integer from 1 to " + TaskListing.MAX_RESULTS);
        }
        return node.intValue();
    }
}
