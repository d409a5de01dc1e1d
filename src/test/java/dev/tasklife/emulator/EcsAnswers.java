package dev.tasklife.emulator;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * moto's DescribeTasks answers completed as ECS gives them: ECS numbers every state change of a task
 * ({@code version}) and names each task it does not know in {@code failures} with reason {@code MISSING}; moto 5.2.1
 * does neither. The version given is the state's place in ECS's lifecycle (PROVISIONING 1 ... STOPPED 8), which is
 * what a task that passed through every state has, and what the tests' own ECS events carry.
 */
final class EcsAnswers {

    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    static final List<String> LIFECYCLE = List.of("PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING",
            "STOPPING", "DEPROVISIONING", "STOPPED");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EcsAnswers() {
    }

    static byte[] describeTasks(byte[] request, byte[] answer) throws IOException {
        ObjectNode described = (ObjectNode) JSON.readTree(answer);
        Set<String> answered = new HashSet<>();
        for (JsonNode task : described.withArray("tasks")) {
            answered.add(task.path("taskArn").asText());
            answered.add(idOf(task.path("taskArn").asText()));
            if (!task.has("version")) {
                ((ObjectNode) task).put("version", LIFECYCLE.indexOf(task.path("lastStatus").asText()) + 1);
            }
        }
        ArrayNode failures = described.withArray("failures");
        failures.forEach(failure -> answered.add(failure.path("arn").asText()));
        for (JsonNode asked : JSON.readTree(request).path("tasks")) {
            if (!answered.contains(asked.asText()) && !answered.contains(idOf(asked.asText()))) {
                failures.addObject().put("arn", asked.asText()).put("reason", "MISSING");
            }
        }
        return JSON.writeValueAsBytes(described);
    }

    private static String idOf(String arnOrId) {
        return arnOrId.substring(arnOrId.lastIndexOf('/') + 1);
    }
}
