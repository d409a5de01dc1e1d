package dev.tasklife.handler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.TaskDescriptions;
import dev.tasklife.store.TaskStore;

/** The describe function ({@code QUARKUS_LAMBDA_HANDLER=describe}): {"taskId": "..."} in, the task's story out. */
@Named("describe")
public class DescribeHandler implements RequestStreamHandler {

    private static final Logger LOG = Logger.getLogger(DescribeHandler.class);

    private final TaskStore store;

    @Inject
    public DescribeHandler(TaskStore store) {
        this.store = store;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode answer;
        try {
            String taskId = JsonFields.taskId(JsonFields.readObject(input), "", "taskId");
            answer = store.find(taskId).map(TaskDescriptions::found).orElseGet(() -> TaskDescriptions.notFound(taskId));
            LOG.infof("taskId=%s found=%s", taskId, answer.get("found"));
        } catch (InvalidEventException e) {
            LOG.warnf("describe input invalid: %s", e.getMessage());
            answer = StatusChangeHandler.invalid(e.getMessage());
        }
        JsonFields.mapper().writeValue(output, answer);
    }
}
