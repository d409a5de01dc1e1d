package dev.tasklife.emulated;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.handler.DescribeHandler;
import dev.tasklife.handler.StatusChangeHandler;
import dev.tasklife.input.JsonFields;

/**
 * The product on this machine, without Docker or AWS: moto (DynamoDB, EventBridge, SQS) on a loopback port,
 * the task table, bus and notifications rule of template.yaml on it, and the functions' handlers fed the sample
 * stream of {@code events/local-stream.txt}. Prints each verdict, what was published, and each task's description.
 */
public final class LocalRun {

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        Path events = Path.of(System.getProperty("project.root", "."), "events");
        say("starting moto on 127.0.0.1 ...");
        try (MotoServer moto = MotoServer.start(); LifecycleStack stack = new LifecycleStack(moto.endpoint())) {
            say("moto at " + moto.endpoint() + "; table " + stack.tableName + ", bus " + stack.busName);
            RequestStreamHandler statusChange = new StatusChangeHandler(stack.service);
            RequestStreamHandler describe = new DescribeHandler(stack.store);

            Set<String> taskIds = new LinkedHashSet<>();
            for (String name : stream(events.resolve("local-stream.txt"))) {
                byte[] event = Files.readAllBytes(events.resolve(name));
                JsonNode answer = invoke(statusChange, event);
                taskIds.add(answer.path("taskId").asText());
                say(String.format("%-34s %-10s %-14s -> %-14s %s", name, answer.path("verdict").asText(),
                        answer.path("from").asText("-"), answer.path("to").asText("-"),
                        answer.path("why").isNull() ? "" : answer.path("why").asText("")));
            }

            say("published on the lifecycle bus, delivered to the notifications queue by its rule:");
            for (JsonNode notification : stack.drainNotifications()) {
                JsonNode detail = notification.path("detail");
                say(String.format("  %-26s %s %s -> %s %s", notification.path("detail-type").asText(),
                        detail.path("taskId").asText(), detail.path("from").asText(detail.path("currentStatus")
                                .asText("-")), detail.path("to").asText("-"), detail.path("why").asText("")));
            }

            for (String taskId : taskIds) {
                say("describe " + taskId + ":");
                JsonNode description = invoke(describe, ("{\"taskId\":\"" + taskId + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
                System.out.println(JsonFields.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(description));
            }
        }
        say("done; moto stopped.");
    }

    private static List<String> stream(Path list) throws IOException {
        return Files.readAllLines(list).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private static JsonNode invoke(RequestStreamHandler handler, byte[] input) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = new ByteArrayInputStream(input)) {
            handler.handleRequest(in, output, null);
        }
        return JsonFields.mapper().readTree(output.toByteArray());
    }

    private static void say(String line) {
        System.out.println("[local] " + line);
    }
}
