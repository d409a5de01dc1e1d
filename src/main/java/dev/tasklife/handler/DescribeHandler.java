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
import dev.tasklife.service.StoryArchive;
import dev.tasklife.service.TaskDescriptions;
import dev.tasklife.service.TaskListing;
import dev.tasklife.store.TaskReads;
import dev.tasklife.store.UnreadableItemException;

/**
 * The describe function ({@code QUARKUS_LAMBDA_HANDLER=describe}): {"taskId": "..."} in, the task's story out;
 * {"taskIds": [...]} as ECS DescribeTasks; {"cluster": "...", ...} as ECS ListTasks ({@link DescribeRequest}).
 */
@Named("describe")
public class DescribeHandler extends JsonFunction {

    private static final Logger LOG = Logger.getLogger(DescribeHandler.class);

    private final TaskReads tasks;
    private final TaskListing listing;
    private final StoryArchive archive;

    @Inject
    public DescribeHandler(TaskReads tasks, TaskListing listing, StoryArchive archive, EmbeddedMetrics metrics) {
        super(metrics);
        this.tasks = tasks;
        this.listing = listing;
        this.archive = archive;
    }

    @Override
    Map<String, ? extends Number> counts(ObjectNode answer) {
        if (answer.has("found")) {
            return Map.of(!answer.path("found").asBoolean() ? "NotFound" : answer.has("error") ? "Unreadable"
                    : "Found", 1);
        }
        if (answer.has("tasks")) {
            int unreadable = 0;
            for (JsonNode failure : answer.path("failures")) {
                unreadable += TaskDescriptions.UNREADABLE.equals(failure.path("reason").asText()) ? 1 : 0;
            }
            return Map.of("Found", answer.path("tasks").size(),
                    "NotFound", answer.path("failures").size() - unreadable, "Unreadable", unreadable);
        }
        return answer.has("taskIds") ? Map.of("Listed", answer.path("taskIds").size()) : super.counts(answer);
    }

    @Override
    ObjectNode answer(JsonNode input, Context context) throws InvalidEventException {
        return switch (DescribeRequest.parse(input)) {
            case DescribeRequest.One one -> {
                MDC.put("taskId", one.taskId());
                ObjectNode answer;
                try {
                    answer = tasks.find(one.taskId()).map(record -> TaskDescriptions.found(record, archive))
                            .orElseGet(() -> TaskDescriptions.notFound(one.taskId()));
                } catch (UnreadableItemException e) {
                    LOG.errorf("taskId=%s cannot be read by this version: %s", one.taskId(), e.getMessage());
                    answer = TaskDescriptions.unreadable(one.taskId(), e.getCause().toString());
                }
                LOG.infof("taskId=%s found=%s", one.taskId(), answer.get("found"));
                yield answer;
            }
            case DescribeRequest.Several several -> {
                TaskReads.Records read = tasks.findAll(several.taskIds(), true);
                read.unreadable().forEach((taskId, why) -> LOG.errorf("taskId=%s cannot be read by this version: %s",
                        taskId, why));
                ObjectNode answer = TaskDescriptions.batch(several.taskIds(), read.records(), read.unreadable());
                LOG.infof("taskIds=%d found=%d unreadable=%d", several.taskIds().size(), answer.path("tasks").size(),
                        read.unreadable().size());
                yield answer;
            }
            case DescribeRequest.Listing list -> {
                ObjectNode answer = listing.list(list.filter(), list.maxResults(), list.nextToken(),
                        context::getRemainingTimeInMillis);
                LOG.infof("cluster=%s listed=%d more=%s", list.filter().cluster(), answer.path("taskIds").size(),
                        answer.has("nextToken"));
                yield answer;
            }
        };
    }
}
