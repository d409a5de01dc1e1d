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
import dev.tasklife.service.TaskDescriptions;
import dev.tasklife.service.TaskListing;
import dev.tasklife.store.TaskStore;

/**
 * The describe function ({@code QUARKUS_LAMBDA_HANDLER=describe}): {"taskId": "..."} in, the task's story out;
 * {"taskIds": [...]} as ECS DescribeTasks; {"cluster": "...", ...} as ECS ListTasks ({@link DescribeRequest}).
 */
@Named("describe")
public class DescribeHandler extends JsonFunction {

    private static final Logger LOG = Logger.getLogger(DescribeHandler.class);

    private final TaskStore store;
    private final TaskListing listing;

    @Inject
    public DescribeHandler(TaskStore store, TaskListing listing, EmbeddedMetrics metrics) {
        super(metrics);
        this.store = store;
        this.listing = listing;
    }

    @Override
    Map<String, ? extends Number> counts(ObjectNode answer) {
        if (answer.has("found")) {
            return Map.of(answer.path("found").asBoolean() ? "Found" : "NotFound", 1);
        }
        if (answer.has("tasks")) {
            return Map.of("Found", answer.path("tasks").size(), "NotFound", answer.path("failures").size());
        }
        return answer.has("taskIds") ? Map.of("Listed", answer.path("taskIds").size()) : super.counts(answer);
    }

    @Override
    ObjectNode answer(JsonNode input, Context context) throws InvalidEventException {
        return switch (DescribeRequest.parse(input)) {
            case DescribeRequest.One one -> {
                ObjectNode answer = store.find(one.taskId()).map(TaskDescriptions::found)
                        .orElseGet(() -> TaskDescriptions.notFound(one.taskId()));
                MDC.put("taskId", one.taskId());
                LOG.infof("taskId=%s found=%s", one.taskId(), answer.get("found"));
                yield answer;
            }
            case DescribeRequest.Several several -> {
                ObjectNode answer = TaskDescriptions.batch(several.taskIds(), store.findAll(several.taskIds()));
                LOG.infof("taskIds=%d found=%d", several.taskIds().size(), answer.path("tasks").size());
                yield answer;
            }
            case DescribeRequest.Listing list -> {
                ObjectNode answer = listing.list(list.filter(), list.maxResults(), list.nextToken());
                LOG.infof("cluster=%s listed=%d more=%s", list.filter().cluster(), answer.path("taskIds").size(),
                        answer.has("nextToken"));
                yield answer;
            }
        };
    }
}
