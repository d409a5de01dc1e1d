package dev.tasklife.ecs;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/** ECS, as the reconciler asks it: what it knows of some of a cluster's tasks (DescribeTasks), which it runs (ListTasks). */
public class EcsTasks {

    /** DescribeTasks takes at most this many tasks a call. */
    public static final int MAX_TASKS_PER_CALL = 100;

    /**
     * ECS's answer for some tasks of a cluster. {@code tasks}: each described task as the {@code detail} of an
     * {@code ECS Task State Change} (ECS's Task object, the fields the service reads); {@code missing}: the ARNs ECS
     * no longer knows; {@code failures}: the others it could not describe, with why.
     */
    public record Described(List<ObjectNode> tasks, List<String> missing, List<String> failures) {
    }

    private final EcsClient ecs;

    public EcsTasks(EcsClient ecs) {
        this.ecs = ecs;
    }

    public Described describe(String cluster, List<String> taskArns) {
        if (taskArns.size() > MAX_TASKS_PER_CALL) {
            throw new IllegalArgumentException("DescribeTasks takes at most " + MAX_TASKS_PER_CALL + " tasks");
        }
        DescribeTasksResponse response;
        try {
            response = ecs.describeTasks(describe -> describe.cluster(cluster).tasks(taskArns));
        } catch (ClusterNotFoundException e) {
            // A deleted cluster's tasks are gone with it: as missing as ECS's MISSING says.
            return new Described(List.of(), List.copyOf(taskArns), List.of());
        }
        List<ObjectNode> tasks = response.tasks().stream().map(EcsTasks::detail).toList();
        List<String> missing = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Failure failure : response.failures()) {
            if ("MISSING".equals(failure.reason())) {
                missing.add(failure.arn());
            } else {
                failures.add(failure.arn() + ": " + failure.reason() + " " + failure.detail());
            }
        }
        return new Described(tasks, missing, failures);
    }

    /** One page of the ARNs of the tasks a cluster runs or is starting (ListTasks, desired RUNNING), and the next. */
    public record Listed(List<String> taskArns, String nextToken) {
    }

    public Listed list(String cluster, String nextToken) {
        ListTasksResponse response = ecs.listTasks(list -> list.cluster(cluster).maxResults(MAX_TASKS_PER_CALL)
                .desiredStatus(DesiredStatus.RUNNING).nextToken(nextToken));
        return new Listed(response.taskArns(), response.nextToken());
    }

    /** The task as an ECS Task State Change's detail carries it (field names as ECS writes them). */
    private static ObjectNode detail(Task task) {
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        detail.put("taskArn", task.taskArn());
        detail.put("clusterArn", task.clusterArn());
        detail.put("lastStatus", task.lastStatus());
        detail.put("desiredStatus", task.desiredStatus());
        if (task.version() != null) {
            detail.put("version", task.version());
        }
        detail.put("group", task.group());
        detail.put("stopCode", task.stopCodeAsString());
        detail.put("stoppedReason", task.stoppedReason());
        if (task.startedAt() != null) {
            detail.put("startedAt", task.startedAt().toString());
        }
        if (task.stoppedAt() != null) {
            detail.put("stoppedAt", task.stoppedAt().toString());
        }
        ArrayNode containers = detail.putArray("containers");
        for (Container container : task.containers()) {
            ObjectNode described = containers.addObject().put("name", container.name());
            if (container.exitCode() != null) {
                described.put("exitCode", container.exitCode());
            }
        }
        return detail;
    }
}
