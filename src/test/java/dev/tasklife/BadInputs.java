package dev.tasklife;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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

    /** An envelope from the sender trusted for its detail-type: each input is refused for its own fault. */
    private static String envelope(String detailType, String detail) {
        return "{\"version\":\"0\",\"id\":\"bad-1\",\"detail-type\":\"" + detailType + "\",\"source\":\""
                + trustedSource(detailType) + "\",\"account\":\"" + Fixtures.ACCOUNT + "\","
                + "\"time\":\"2026-11-25T10:00:00Z\",\"detail\":" + detail + "}";
    }

    private static String trustedSource(String detailType) {
        return switch (detailType) {
            case "ECS Task State Change" -> "aws.ecs";
            case "Task Status Update" -> "dev.tasklife.agent";
            case "Task Step Completed" -> "dev.tasklife.steps";
            default -> "dev.tasklife.control";
        };
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
        inputs.add(Arguments.of("input over 256 KiB", bytes(stopFor(quoted("t1")).replace("\"version\":\"0\"",
                "\"version\":\"" + "x".repeat(300_000) + "\""))));
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
        addHostile(inputs);
        return inputs;
    }

    /** The audit's kinds: nesting, huge arrays, duplicate keys, numeric edges, encodings, forged senders, times. */
    private static void addHostile(List<Arguments> inputs) {
        // Nesting and huge arrays
        inputs.add(Arguments.of("detail nested 100 deep", bytes(envelope("Task Stop Requested",
                "{\"taskId\":\"t1\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"))));
        inputs.add(Arguments.of("unknown field nested 70 objects deep", bytes(envelope("Task Stop Requested",
                "{\"taskId\":\"t1\",\"x\":" + "{\"a\":".repeat(70) + "1" + "}".repeat(70) + "}"))));
        inputs.add(Arguments.of("10,000 target groups", bytes(envelope("Task Launch Requested",
                "{\"taskId\":\"t1\",\"targetGroups\":[" + String.join(",", Collections.nCopies(10_000,
                        "\"arn:tg\"")) + "]}"))));
        inputs.add(Arguments.of("50,000 containers that are numbers", bytes(ecsWith("version", "3,\"containers\":["
                + String.join(",", Collections.nCopies(50_000, "0")) + "]"))));
        inputs.add(Arguments.of("containers that are strings", bytes(ecsWith("version",
                "3,\"containers\":[\"c1\",\"c2\"]"))));
        // Duplicate keys: which one counts would be a guess
        inputs.add(Arguments.of("detail-type twice", bytes(stopFor(quoted("t1")).replace("\"detail-type\":",
                "\"detail-type\":\"Task Launch Requested\",\"detail-type\":"))));
        inputs.add(Arguments.of("taskId twice", bytes(envelope("Task Stop Requested",
                "{\"taskId\":\"t1\",\"taskId\":\"t2\"}"))));
        inputs.add(Arguments.of("id twice", bytes(stopFor(quoted("t1")).replace("\"id\":\"bad-1\",",
                "\"id\":\"bad-1\",\"id\":\"bad-2\","))));
        inputs.add(Arguments.of("source twice, the second trusted", bytes(stopFor(quoted("t1")).replace("\"source\":",
                "\"source\":\"evil.example\",\"source\":"))));
        inputs.add(Arguments.of("version twice", bytes(ecsWith("version", "3,\"version\":4"))));
        inputs.add(Arguments.of("state twice", bytes(agentWith("state", "\"TASK_RUNNING\",\"state\":\"TASK_KILLED\""))));
        // Numeric edges of versions, timestamps and strategies
        for (String version : new String[] {"1e400", "1.0e2", "2147483648", "9223372036854775807",
                "9223372036854775808", "-0.5", "\"0x10\"", "true", "[3]", "{\"n\":3}"}) {
            inputs.add(Arguments.of("ECS version " + version, bytes(ecsWith("version", version))));
        }
        for (String timestamp : new String[] {"1e11", "1e308", "99999999999", "\"Infinity\"", "[1]", "true",
                "1e400"}) {
            inputs.add(Arguments.of("agent timestamp " + timestamp, bytes(agentWith("timestamp", timestamp))));
        }
        for (String seconds : new String[] {"9223372036854775807", "31536001", "1e10", "1.5", "\"900\"", "-1e3"}) {
            inputs.add(Arguments.of("expungeAfterSeconds " + seconds, bytes(envelope("Task Launch Requested",
                    "{\"taskId\":\"t1\",\"service\":\"s\",\"unreachableStrategy\":{\"expungeAfterSeconds\":"
                            + seconds + "}}"))));
        }
        inputs.add(Arguments.of("inactiveAfterSeconds of 100 years", bytes(envelope("Task Launch Requested",
                "{\"taskId\":\"t1\",\"service\":\"s\",\"unreachableStrategy\":{\"inactiveAfterSeconds\":"
                        + 100L * 365 * 24 * 3600 + "}}"))));
        // Times ahead of the service's clock (real now: every fixture is in the past)
        Instant now = Instant.now();
        for (String time : new String[] {"9999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
                now.plusSeconds(3600).toString(), now.plusSeconds(400).toString(), "2026-13-45T99:00:00Z"}) {
            inputs.add(Arguments.of("time " + time, bytes(stopFor(quoted("t1")).replace("2026-11-25T10:00:00Z", time))));
        }
        inputs.add(Arguments.of("agent timestamp an hour ahead", bytes(agentWith("timestamp",
                Long.toString(now.getEpochSecond() + 3600)))));
        inputs.add(Arguments.of("agent timestamp in year 5000", bytes(agentWith("timestamp", "95617584000"))));
        // Encodings: only UTF-8 is JSON, and only well-formed UTF-8
        String stop = stopFor(quoted("t1"));
        inputs.add(Arguments.of("overlong UTF-8 slash", withBytes(stop, "t1", new byte[] {'t', (byte) 0xC0, (byte) 0xAF})));
        inputs.add(Arguments.of("overlong UTF-8 quote", withBytes(stop, "t1", new byte[] {'t', (byte) 0xC0, (byte) 0xA2})));
        inputs.add(Arguments.of("overlong 3-byte NUL", withBytes(stop, "t1", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80})));
        inputs.add(Arguments.of("CESU-8 surrogate bytes", withBytes(stop, "t1", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})));
        inputs.add(Arguments.of("stray continuation byte", withBytes(stop, "t1", new byte[] {'t', (byte) 0x80})));
        inputs.add(Arguments.of("truncated 3-byte sequence", withBytes(stop, "t1", new byte[] {'t', (byte) 0xE2, (byte) 0x82})));
        inputs.add(Arguments.of("byte 0xFF", withBytes(stop, "t1", new byte[] {'t', (byte) 0xFF})));
        inputs.add(Arguments.of("UTF-16LE with BOM", withBom(new byte[] {(byte) 0xFF, (byte) 0xFE},
                stop.getBytes(StandardCharsets.UTF_16LE))));
        inputs.add(Arguments.of("UTF-16BE without BOM", stop.getBytes(StandardCharsets.UTF_16BE)));
        inputs.add(Arguments.of("UTF-32", stop.getBytes(Charset.forName("UTF-32"))));
        inputs.add(Arguments.of("UTF-8 with BOM", withBom(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                bytes(stop))));
        // Lone surrogates, which no UTF-8 consumer (DynamoDB included) takes
        for (String field : new String[] {"reason", "message", "agentId"}) {
            inputs.add(Arguments.of("lone high surrogate in " + field, bytes(agentWith("uuid",
                    "\"u-1\",\"" + field + "\":\"x\\ud800y\""))));
        }
        inputs.add(Arguments.of("lone low surrogate in the stop reason", bytes(envelope("Task Stop Requested",
                "{\"taskId\":\"t1\",\"reason\":\"\\udc00\"}"))));
        inputs.add(Arguments.of("reversed surrogate pair in the stop reason", bytes(envelope("Task Stop Requested",
                "{\"taskId\":\"t1\",\"reason\":\"\\udc00\\ud800\"}"))));
        inputs.add(Arguments.of("lone surrogate at the end of stoppedReason", bytes(ecsWith("version",
                "3,\"stoppedReason\":\"bye\\ud83d\""))));
        inputs.add(Arguments.of("lone surrogate in the envelope id", bytes(stop.replace("\"bad-1\"",
                "\"bad-\\ud800\""))));
        // Forged or missing senders, for every detail-type
        String[][] typed = {{"ECS Task State Change", ecsWith(null, null)}, {"Task Status Update", agentWith(null, null)},
                {"Task Launch Requested", envelope("Task Launch Requested", "{\"taskId\":\"t1\"}")},
                {"Task Stop Requested", stop}};
        for (String[] type : typed) {
            String source = "\"source\":\"" + trustedSource(type[0]) + "\"";
            String account = "\"account\":\"" + Fixtures.ACCOUNT + "\"";
            inputs.add(Arguments.of(type[0] + " from an untrusted source", bytes(type[1].replace(source,
                    "\"source\":\"evil.example\""))));
            inputs.add(Arguments.of(type[0] + " from an untrusted account", bytes(type[1].replace(account,
                    "\"account\":\"999999999999\""))));
            inputs.add(Arguments.of(type[0] + " without a source", bytes(type[1].replace(source + ",", ""))));
            inputs.add(Arguments.of(type[0] + " without an account", bytes(type[1].replace(account + ",", ""))));
            inputs.add(Arguments.of(type[0] + " from the service's own source", bytes(type[1].replace(source,
                    "\"source\":\"dev.tasklife\""))));
            inputs.add(Arguments.of(type[0] + " with a numeric account", bytes(type[1].replace(account,
                    "\"account\":111122223333"))));
        }
        // Hostile ids
        for (String id : new String[] {"t\u0430sk", "", "a".repeat(257), "task/..", "t1\u0000", "\u00a0t1",
                "t1%00", "t1\\u0000"}) {
            inputs.add(Arguments.of("hostile taskId " + abbreviate(id), bytes(stopFor(quoted(id)))));
        }
        inputs.add(Arguments.of("ECS taskArn whose id has a space", bytes(ecsWith("taskArn",
                quoted("arn:aws:ecs:us-east-1:1:task/c/ab cd")))));
    }

    private static byte[] withBytes(String text, String replaced, byte[] replacement) {
        int at = text.indexOf(quoted(replaced)) + 1;
        byte[] head = bytes(text.substring(0, at));
        byte[] tail = bytes(text.substring(at + replaced.length()));
        byte[] all = new byte[head.length + replacement.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(replacement, 0, all, head.length, replacement.length);
        System.arraycopy(tail, 0, all, head.length + replacement.length, tail.length);
        return all;
    }

    private static byte[] withBom(byte[] bom, byte[] body) {
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, bom.length);
        System.arraycopy(body, 0, all, bom.length, body.length);
        return all;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        String shown = text.length() > 30 ? text.substring(0, 30) + "..." : text;
        return shown.replace("\u0000", "\\0");
    }
}
