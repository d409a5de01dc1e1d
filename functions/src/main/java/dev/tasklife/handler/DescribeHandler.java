package dev.tasklife.handler;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.TaskDescriptions;
import dev.tasklife.store.TaskStore;

/** The describe function ({@code QUARKUS_LAMBDA_HANDLER=describe}): {"taskId": "..."} in, the task's story out. */
@Named("describe")
public class DescribeHandler extends JsonFunction {

    private static final Logger LOG = Logger.getLogger(DescribeHandler.class);

    private final TaskStore store;

    @Inject
    public DescribeHandler(TaskStore store, EmbeddedMetrics metrics) {
        super(metrics);
        this.store = store;
    }

    @Override
    Map<String, ? extends Number> counts(ObjectNode answer) {
        return Map.of(answer.path("found").asBoolean() ? "Found" : "NotFound", 1);
    }

    @Override
    ObjectNode answer(JsonNode input, Context context) throws InvalidEventException {
        String taskId = JsonFields.taskId(input, "", "taskId");
        ObjectNode answer = store.find(taskId).map(TaskDescriptions::found)
                .orElseGet(() -> TaskDescriptions.notFound(taskId));
        MDC.put("taskId", taskId);
        LOG.infof("taskId=%s found=%s", taskId, answer.get("found"));
        return answer;
    }
}
