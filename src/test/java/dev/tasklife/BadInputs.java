package dev.tasklife;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.provider.Arguments;

/**
 * Malformed and hostile inputs for the status-change function: broken JSON, huge strings, unknown enums,
 * expression-like ids, missing fields, wrong types, unicode tricks. Each must be answered INVALID with a clear
 * error, write nothing and publish nothing.
 */
public final class BadInputs {

    private BadInputs() {
    }

    private static String envelope(String detailType, String detail) {
        return "{\"version\":\"0\",\"id\":\"bad-1\",\"detail-type\":\"" + detailType + "\",\"source\":\"x\","
                + "\"time\":\"2026-11-25T10:00:00Z\",\"detail\":" + detail + "}";
    }

    private static String ecs(String detail) {
        return envelope("ECS Task State Change", detail);
    }

    private static String ecsWith(String field, String value) {
        StringBuilder detail = new StringBuilder("{");
        String[][] fields = {{"taskArn", "\"arn:aws:ecs:us-east-1:1:task/c/abc123\""},
                {"clusterArn", "\"arn:aws:ecs:us-east-1:1:cluster/c\""}, {"lastStatus", "\"RUNNING\""},
                {"desiredStatus", "\"RUNNING\""}, {"version", "3"}};
        for (String[] pair : fields) {
            String shown = pair[0].equals(field) ? value : pair[1];
            if (shown != null) {
                detail.append(detail.length() > 1 ? "," : "").append('"').append(pair[0]).append("\":").append(shown);
            }
        }
        return ecs(detail.append('}').toString());
    }

    private static String agentWith(String field, String value) {
        StringBuilder detail = new StringBuilder("{");
        String[][] fields = {{"taskId", "\"t1\""}, {"state", "\"TASK_RUNNING\""}, {"timestamp", "1795600800.5"},
                {"uuid", "\"u-1\""}};
        for (String[] pair : fields) {
            String shown = pair[0].equals(field) ? value : pair[1];
            if (shown != null) {
                detail.append(detail.length() > 1 ? "," : "").append('"').append(pair[0]).append("\":").append(shown);
            }
        }
        return envelope("Task Status Update", detail.append('}').toString());
    }

    private static String stopFor(String taskIdJson) {
        return envelope("Task Stop Requested", "{\"taskId\":" + taskIdJson + "}");
    }

    private static String quoted(String text) {
        return '"' + text + '"';
    }

    public static List<Arguments> all() {
        List<Arguments> inputs = new ArrayList<>();
        // Broken JSON and wrong top-level shapes
        for (String broken : new String[] {"", "   ", "{", "}", "[", "null", "true", "42", "\"just a string\"",
                "{\"a\":}", "{'single':'quotes'}", "{\"id\":\"x\",}", "{} {}", "{\"id\": NaN}", "/* c */ {}",
                "[".repeat(5000), "{\"detail-type\":\"Task Stop Requested\"\u0000}"}) {
            inputs.add(Arguments.of("broken: " + abbreviate(broken), bytes(broken)));
        }
        inputs.add(Arguments.of("not UTF-8", new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
                '"', '}'}));
        // Huge
        inputs.add(Arguments.of("input over 256 KiB", bytes(stopFor(quoted("t1")).replace("\"source\":\"x\"",
                "\"source\":\"" + "x".repeat(300_000) + "\""))));
        inputs.add(Arguments.of("taskId of 10,000 characters", bytes(stopFor(quoted("a".repeat(10_000))))));
        inputs.add(Arguments.of("reason of 100,000 characters", bytes(envelope("Task Stop Requested",
                "{\"taskId\":\"t1\",\"reason\":\"" + "r".repeat(100_000) + "\"}"))));
        inputs.add(Arguments.of("detail-type of 1,000 characters", bytes(envelope("T".repeat(1000), "{}"))));
        inputs.add(Arguments.of("envelope id of 300 characters", bytes(stopFor(quoted("t1"))
                .replace("\"bad-1\"", quoted("i".repeat(300))))));
        inputs.add(Arguments.of("ECS taskArn of 5,000 characters", bytes(ecsWith("taskArn",
                quoted("arn:" + "a".repeat(5000) + "/t1")))));
        // Unknown enums
        inputs.add(Arguments.of("unknown lastStatus", bytes(ecsWith("lastStatus", quoted("SLEEPING")))));
        inputs.add(Arguments.of("lower-case lastStatus", bytes(ecsWith("lastStatus", quoted("running")))));
        inputs.add(Arguments.of("unknown desiredStatus", bytes(ecsWith("desiredStatus", quoted("MAYBE")))));
        inputs.add(Arguments.of("unknown agent state", bytes(agentWith("state", quoted("TASK_NAPPING")))));
        inputs.add(Arguments.of("agent state without TASK_", bytes(agentWith("state", quoted("RUNNING")))));
        inputs.add(Arguments.of("unknown detail-type", bytes(envelope("Task Teleported", "{\"taskId\":\"t1\"}"))));
        inputs.add(Arguments.of("step completion sent to status-change",
                bytes(envelope("Task Step Completed", "{\"taskId\":\"t1\",\"step\":\"ACTIVATION\"}"))));
        // Expression-like and otherwise hostile ids
        for (String hostile : new String[] {"#lastStatus = :v0", ":v1", "a) OR (b", "attribute_not_exists(taskId)",
                "../../etc/passwd", "t1; DROP TABLE tasks", "${jndi:ldap://127.0.0.1/x}", "<script>x</script>",
                "t1 OR 1=1", "-leading-dash"}) {
            inputs.add(Arguments.of("hostile taskId " + hostile, bytes(stopFor(quoted(hostile)))));
        }
        inputs.add(Arguments.of("ECS taskArn ending in a slash", bytes(ecsWith("taskArn",
                quoted("arn:aws:ecs:us-east-1:1:task/c/")))));
        // Missing fields
        inputs.add(Arguments.of("no detail-type", bytes("{\"id\":\"x\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{}}")));
        inputs.add(Arguments.of("no id", bytes(stopFor(quoted("t1")).replace("\"id\":\"bad-1\",", ""))));
        inputs.add(Arguments.of("no time", bytes(stopFor(quoted("t1")).replace("\"time\":\"2026-11-25T10:00:00Z\",", ""))));
        inputs.add(Arguments.of("no detail", bytes("{\"id\":\"x\",\"detail-type\":\"Task Stop Requested\","
                + "\"time\":\"2026-11-25T10:00:00Z\"}")));
        inputs.add(Arguments.of("stop without taskId", bytes(envelope("Task Stop Requested", "{}"))));
        inputs.add(Arguments.of("launch without taskId", bytes(envelope("Task Launch Requested", "{\"service\":\"s\"}"))));
        inputs.add(Arguments.of("ECS without taskArn", bytes(ecsWith("taskArn", null))));
        inputs.add(Arguments.of("ECS without version", bytes(ecsWith("version", null))));
        inputs.add(Arguments.of("ECS without lastStatus", bytes(ecsWith("lastStatus", null))));
        inputs.add(Arguments.of("agent without uuid", bytes(agentWith("uuid", null))));
        inputs.add(Arguments.of("agent without timestamp", bytes(agentWith("timestamp", null))));
        // Wrong types
        inputs.add(Arguments.of("version as a string", bytes(ecsWith("version", quoted("3")))));
        inputs.add(Arguments.of("fractional version", bytes(ecsWith("version", "3.5"))));
        inputs.add(Arguments.of("negative version", bytes(ecsWith("version", "-1"))));
        inputs.add(Arguments.of("version beyond a long", bytes(ecsWith("version", "99999999999999999999999"))));
        inputs.add(Arguments.of("timestamp as text", bytes(agentWith("timestamp", quoted("now")))));
        inputs.add(Arguments.of("negative timestamp", bytes(agentWith("timestamp", "-5"))));
        inputs.add(Arguments.of("taskId as a number", bytes(stopFor("42"))));
        inputs.add(Arguments.of("taskId as an object", bytes(stopFor("{\"id\":\"t1\"}"))));
        inputs.add(Arguments.of("taskId null", bytes(stopFor("null"))));
        inputs.add(Arguments.of("detail as an array", bytes(envelope("Task Stop Requested", "[]"))));
        inputs.add(Arguments.of("time as a number", bytes(stopFor(quoted("t1")).replace("\"2026-11-25T10:00:00Z\"",
                "1795600800"))));
        inputs.add(Arguments.of("id as a number", bytes(stopFor(quoted("t1")).replace("\"bad-1\"", "42"))));
        inputs.add(Arguments.of("networkInterface as text", bytes(envelope("Task Launch Requested",
                "{\"taskId\":\"t1\",\"networkInterface\":\"yes\"}"))));
        inputs.add(Arguments.of("targetGroups as text", bytes(envelope("Task Launch Requested",
                "{\"taskId\":\"t1\",\"targetGroups\":\"arn\"}"))));
        inputs.add(Arguments.of("targetGroups of numbers", bytes(envelope("Task Launch Requested",
                "{\"taskId\":\"t1\",\"targetGroups\":[1,2]}"))));
        inputs.add(Arguments.of("unreachableStrategy as text", bytes(envelope("Task Launch Requested",
                "{\"taskId\":\"t1\",\"unreachableStrategy\":\"soon\"}"))));
        inputs.add(Arguments.of("negative expungeAfterSeconds", bytes(envelope("Task Launch Requested",
                "{\"taskId\":\"t1\",\"unreachableStrategy\":{\"expungeAfterSeconds\":-1}}"))));
        inputs.add(Arguments.of("containers as text", bytes(ecsWith("version", "3,\"containers\":\"many\""))));
        // Unicode tricks
        inputs.add(Arguments.of("accented taskId", bytes(stopFor(quoted("tâche-1")))));
        inputs.add(Arguments.of("right-to-left override in taskId", bytes(stopFor(quoted("\u202Et1")))));
        inputs.add(Arguments.of("emoji taskId", bytes(stopFor(quoted("\uD83D\uDE80")))));
        inputs.add(Arguments.of("zero-width space in detail-type", bytes(envelope("Task Stop\u200B Requested",
                "{\"taskId\":\"t1\"}"))));
        inputs.add(Arguments.of("bell character in reason", bytes(envelope("Task Stop Requested",
                "{\"taskId\":\"t1\",\"reason\":\"ring\\u0007\"}"))));
        inputs.add(Arguments.of("space in taskId", bytes(stopFor(quoted("t 1")))));
        inputs.add(Arguments.of("escaped newline in taskId", bytes(stopFor(quoted("t1\\nX-Injected: yes")))));
        return inputs;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        String shown = text.length() > 30 ? text.substring(0, 30) + "..." : text;
        return shown.replace("\u0000", "\\0");
    }
}
