package dev.tasklife.handler;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

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
    public DescribeHandler(TaskStore store) {
        this.store = store;
    }

    @Override
    ObjectNode answer(JsonNode input, Context context) throws InvalidEventException {
        String taskId = JsonFields.taskId(input, "", "taskId");
        ObjectNode answer = store.find(taskId).map(TaskDescriptions::found)
                .orElseGet(() -> TaskDescriptions.notFound(taskId));
        LOG.infof("taskId=%s found=%s", taskId, answer.get("found"));
        return answer;
    }
}
