package dev.tasklife.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.emulator.ProjectFiles;

class EventParserTest {

    private static final Set<String> EVERY_TYPE = Set.of(EventTypes.ECS_TASK_STATE_CHANGE,
            EventTypes.TASK_STATUS_UPDATE, EventTypes.TASK_LAUNCH_REQUESTED, EventTypes.TASK_STOP_REQUESTED,
            EventTypes.TASK_STEP_COMPLETED);

    private static TaskEvent parseFile(String name) throws Exception {
        try (InputStream in = Files.newInputStream(ProjectFiles.resolve("events", name))) {
            return EventParser.parse(JsonFields.readObject(in, JsonFields.MAX_INPUT_BYTES), EVERY_TYPE,
                    Fixtures.ADMISSION);
        }
    }

    /** Parses an envelope as sent by the sender trusted for its detail-type, unless it names its own. */
    private static TaskEvent parse(String json) throws Exception {
        return EventParser.parse(JsonFields.readObject(new ByteArrayInputStream(
                fromTrustedSender(json).getBytes(StandardCharsets.UTF_8)), JsonFields.MAX_INPUT_BYTES),
                EVERY_TYPE, Fixtures.ADMISSION);
    }

    private static String fromTrustedSender(String json) {
        try {
            JsonNode node = JsonFields.mapper().readTree(json);
            if (node instanceof ObjectNode envelope && envelope.path("detail-type").isTextual()
                    && !envelope.has("source")) {
                String detailType = envelope.get("detail-type").asText();
                envelope.put("source", Fixtures.ADMISSION.sourcesByDetailType()
                        .getOrDefault(detailType, Set.of("dev.tasklife.control")).iterator().next());
                envelope.put("account", Fixtures.ACCOUNT);
                return envelope.toString();
            }
        } catch (IOException notJson) {
            // sent as it is: the parser says what is wrong with it
        }
        return json;
    }

    @Test
    void aRealEcsEventIsReadAndItsManyOtherFieldsIgnored() throws Exception {
        TaskEvent.EcsStateChange ecs = assertInstanceOf(TaskEvent.EcsStateChange.class,
                parseFile("ecs-task-running.json"));
        assertEquals("c13b4cb40f1f4fe4a2971f76ae5a47ad", ecs.taskId());
        assertEquals("arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/c13b4cb40f1f4fe4a2971f76ae5a47ad",
                ecs.taskArn());
        assertEquals("arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster", ecs.cluster());
        assertEquals(Phase.RUNNING, ecs.lastStatus());
        assertEquals(DesiredStatus.RUNNING, ecs.desiredStatus());
        assertEquals(4, ecs.version());
        assertEquals("sample-webapp", ecs.service(), "ECS names the service in the task's group");
        assertEquals("3317b2af-7005-947d-b652-f55e762e571a", ecs.eventId());
    }

    @Test
    void anEcsEventIsTakenOnlyFromTheAccountsConfiguredForEcsAndItsTimesAreKept() throws Exception {
        String agentsAccount = "444455556666";
        Admission admission = Admission.of(Set.of("dev.tasklife.agent"), Set.of("dev.tasklife.control"),
                Set.of("dev.tasklife.steps"), Set.of(Fixtures.ACCOUNT, agentsAccount), Set.of(Fixtures.ACCOUNT),
                java.time.Duration.ofMinutes(5), java.time.Clock.systemUTC());
        ObjectNode ecs = (ObjectNode) JsonFields.mapper().readTree(Files.readString(
                ProjectFiles.resolve("events", "ecs-task-running.json")));
        TaskEvent.EcsStateChange own = assertInstanceOf(TaskEvent.EcsStateChange.class,
                EventParser.parse(ecs, EVERY_TYPE, admission));
        assertEquals(java.time.Instant.parse("2026-11-25T10:00:04Z"), own.startedAt());

        ecs.put("account", agentsAccount);
        InvalidEventException refused = assertThrows(InvalidEventException.class,
                () -> EventParser.parse(ecs, EVERY_TYPE, admission));
        assertTrue(refused.getMessage().contains("not trusted for 'ECS Task State Change'"), refused.getMessage());
        ObjectNode agent = (ObjectNode) JsonFields.mapper().readTree(Files.readString(
                ProjectFiles.resolve("events", "agent-task-running.json")));
        agent.put("account", agentsAccount);
        assertInstanceOf(TaskEvent.AgentStatusUpdate.class, EventParser.parse(agent, EVERY_TYPE, admission),
                "the agents' account sends agent updates");
    }

    @Test
    void anEcsStopWithCleanExitsIsFinished() throws Exception {
        TaskEvent.EcsStateChange ecs = assertInstanceOf(TaskEvent.EcsStateChange.class,
                parseFile("ecs-task-stopped.json"));
        assertEquals(Outcome.FINISHED, ecs.outcome());
        assertFalse(ecs.essentialContainerFailed());
    }

    @Test
    void anAgentLostWithTheAgentDisconnectedIsUnreachable() throws Exception {
        TaskEvent.AgentStatusUpdate update = assertInstanceOf(TaskEvent.AgentStatusUpdate.class,
                parseFile("agent-task-lost-disconnected.json"));
        assertEquals(AgentState.UNREACHABLE, update.state());
        assertEquals(1795601100500000L, update.timestampMicros());
        assertEquals("agent:4c2e6a8b-0d1f-4e3a-9c5b-7d9f1b3d5f70", update.dedupeKey());
    }

    @Test
    void launchAndStopRequestsAreRead() throws Exception {
        TaskEvent.LaunchRequest launch = assertInstanceOf(TaskEvent.LaunchRequest.class,
                parseFile("launch-requested.json"));
        assertEquals("webapp", launch.service());
        assertEquals(20L, launch.expungeAfterSeconds());
        assertTrue(launch.steps().isEmpty());
        TaskEvent.StopRequest stop = assertInstanceOf(TaskEvent.StopRequest.class, parseFile("stop-requested.json"));
        assertEquals("scaled down by operator", stop.reason());
    }

    @Test
    void targetGroupsAskForActivationAndDeactivation() throws Exception {
        TaskEvent.LaunchRequest launch = assertInstanceOf(TaskEvent.LaunchRequest.class, parse("""
                {"id":"e1","detail-type":"Task Launch Requested","time":"2026-11-25T10:00:00Z",
                 "detail":{"taskId":"t1","targetGroups":["arn:aws:elasticloadbalancing:tg/1"]}}"""));
        assertEquals(List.of(Step.ACTIVATION, Step.DEACTIVATION), List.copyOf(launch.steps()));
    }

    static List<String[]> badInputs() throws IOException {
        String ecs = Files.readString(ProjectFiles.resolve("events", "ecs-task-running.json"));
        return List.of(
                new String[] {"{not json", "input is not valid JSON"},
                new String[] {"", "input is empty"},
                new String[] {"[1,2]", "input must be a JSON object"},
                new String[] {"{\"id\":\"e\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{}}", "detail-type is required"},
                new String[] {"{\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\"}}",
                        "id is required"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Something Else\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{}}",
                        "detail-type 'Something Else' is not handled here (expected one of ["},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"yesterday\",\"detail\":{\"taskId\":\"t\"}}",
                        "time must be an ISO-8601 instant"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":\"x\"}",
                        "detail must be an object"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{}}",
                        "detail.taskId is required"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":42}}",
                        "detail.taskId must be a string"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"#s = :v OR 1=1\"}}",
                        "detail.taskId must be 1-256 letters"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\""
                        + "a".repeat(300) + "\"}}", "detail.taskId is longer than 256 characters"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"reason\":\""
                        + "r".repeat(3000) + "\"}}", "detail.reason is longer than 2048 characters"},
                new String[] {ecs.replace("\"lastStatus\": \"RUNNING\",\n    \"overrides\"", "\"lastStatus\": \"SLEEPING\",\n    \"overrides\""),
                        "detail.unknown lifecycle status 'SLEEPING'"},
                new String[] {ecs.replace("\"version\": 4,", "\"version\": \"4\","), "detail.version must be a non-negative integer"},
                new String[] {ecs.replace("\"version\": 4,", "\"version\": -4,"), "detail.version must be a non-negative integer"},
                new String[] {ecs.replace("\"desiredStatus\": \"RUNNING\"", "\"desiredStatus\": \"MAYBE\""),
                        "detail.unknown desiredStatus 'MAYBE'"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Status Update\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"state\":\"TASK_NAPPING\",\"uuid\":\"u\",\"timestamp\":1}}",
                        "detail.unknown agent state 'TASK_NAPPING'"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Status Update\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"state\":\"TASK_RUNNING\",\"uuid\":\"\",\"timestamp\":1}}",
                        "detail.uuid must not be empty"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Status Update\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"state\":\"TASK_RUNNING\",\"uuid\":\"u\",\"timestamp\":\"now\"}}",
                        "detail.timestamp must be seconds since the epoch"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Launch Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"networkInterface\":\"yes\"}}",
                        "detail.networkInterface must be true or false"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Launch Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"unreachableStrategy\":{\"expungeAfterSeconds\":-1}}}",
                        "detail.unreachableStrategy.expungeAfterSeconds must be a non-negative integer"},
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Stop Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"reason\":\"a\\u0000b\"}}",
                        "detail.reason contains control characters"},
                // 700 characters, 2,100 bytes: a key of the list index longer than DynamoDB takes would fail every
                // write of the task, for ever.
                new String[] {"{\"id\":\"e\",\"detail-type\":\"Task Launch Requested\",\"time\":\"2026-11-25T10:00:00Z\",\"detail\":{\"taskId\":\"t\",\"cluster\":\"" + "\u20ac".repeat(700) + "\"}}",
                        "detail.cluster is longer than 1024 bytes"},
                new String[] {ecs.replace("arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster",
                        "arn:aws:ecs:us-west-2:111122223333:cluster/" + "\u20ac".repeat(400)),
                        "detail.clusterArn is longer than 1024 bytes"});
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badInputs")
    void badInputIsRefusedWithAClearMessage(String input, String expectedMessageStart) {
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> parse(input));
        assertTrue(error.getMessage().startsWith(expectedMessageStart), error.getMessage());
    }

    @Test
    void inputLargerThanAnEventBridgeEventIsRefusedBeforeParsing() {
        ObjectNode huge = JsonFields.mapper().createObjectNode();
        huge.put("padding", "x".repeat(JsonFields.MAX_INPUT_BYTES));
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> parse(huge.toString()));
        assertEquals("input is larger than 262144 bytes", error.getMessage());
    }
}
