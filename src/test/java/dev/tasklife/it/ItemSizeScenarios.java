package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.emulated.ScenarioSuite;
import dev.tasklife.emulator.ItemSizes;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.input.JsonFields;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.service.StatusChangeService;
import dev.tasklife.service.SweepReport;
import dev.tasklife.store.ConditionalWrite;
import dev.tasklife.store.IndexKeys;
import dev.tasklife.store.TaskTable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A record never outgrows DynamoDB (lifecycle.md, "Time and trust"): items measured by DynamoDB's own size rules
 * ({@link ItemSizes}) after a whole ECS lifecycle and after a thousand agent flaps.
 */
abstract class ItemSizeScenarios extends ScenarioSuite {

    /** A task id as ECS makes them: 32 hex digits. */
    private static final String ECS_TASK_ID = "0f3c2a9d8e7b4c61a5d2e8f9b0c1d2e3";
    /**
     * An item keeps the newest HISTORY_KEPT (10) moves: from the tenth flap on, every flap rolls the same full window,
     * so a thousand flaps show the bound as well as more would (3,000 measured once: the same figures).
     */
    private static final int FLAPS = 1_000;
    private static final int KEPT = 10;


    /** An agent's status update as it reaches the service: EventBridge's UUID envelope id, Mesos's UUID. */
    private static TaskEvent realAgent(String taskId, AgentState state, long second) {
        TaskEvent.AgentStatusUpdate update = agent(taskId, state, second, UUID.randomUUID().toString());
        return new TaskEvent.AgentStatusUpdate(UUID.randomUUID().toString(), update.time(), taskId, state,
                update.reason(), update.message(), update.agentId(), update.timestampMicros(), update.uuid());
    }

    /** ECS reports the task in each of its phases in turn; returns how many moves it made. */
    private int wholeEcsLifecycle() {
        int moves = 0;
        for (Phase phase : Phase.values()) {
            if (phase == Phase.UNREACHABLE) {
                continue;
            }
            moves++;
            assertEquals(Verdict.APPLIED, stack.apply(ecs(ECS_TASK_ID, phase, moves)).verdict(), phase.name());
        }
        return moves;
    }

    @Test
    void anEcsTasksWholeLifecycleLeavesAnItemOfOneWriteUnit() {
        int moves = wholeEcsLifecycle();
        int bytes = ItemSizes.bytes(stack.rawItem(ECS_TASK_ID));
        System.out.printf("ECS task after its %d-phase lifecycle: %d bytes%n", moves, bytes);
        assertEquals(8, moves);
        assertTrue(bytes < 1_024, bytes + " bytes: every write of this task costs more than one write unit");
        JsonNode described = stack.describe(ECS_TASK_ID);
        assertEquals(8, described.at("/history").size(), described.toString());
        assertEquals(8, described.at("/moves").asInt(), described.toString());
        assertEquals("DEPROVISIONING", described.at("/history/7/from").asText());
    }

    /**
     * An ECS task as real ECS reports it, through the status-change function: the documented event (events/), a
     * 32-hex task id in a cluster with a 25-character name, EventBridge's UUID envelope ids, ECS's times.
     */
    @Test
    void aRealEcsTasksWholeLifecycleCostsOneWriteUnitAWriteWithRoomForALongerName() throws Exception {
        String cluster = "production-web-cluster-01";
        String taskId = "9e2f4c1a7b3d4e5f8a6b0c1d2e3f4a5b";
        String clusterArn = "arn:aws:ecs:us-west-2:111122223333:cluster/" + cluster;
        String taskArn = "arn:aws:ecs:us-west-2:111122223333:task/" + cluster + "/" + taskId;
        ObjectNode sample = (ObjectNode) JsonFields.mapper().readTree(
                ProjectFiles.resolve("events", "ecs-task-stopped.json").toFile());
        int largest = 0;
        int version = 0;
        List<String> eventIds = new ArrayList<>();
        for (Phase phase : Phase.values()) {
            if (phase == Phase.UNREACHABLE) {
                continue;
            }
            version++;
            Instant at = T0.plusSeconds(10L * version);
            stack.clock.set(at);
            ObjectNode event = sample.deepCopy();
            eventIds.add(UUID.randomUUID().toString());
            event.put("id", eventIds.getLast()).put("time", at.toString());
            event.putArray("resources").add(taskArn);
            ObjectNode detail = (ObjectNode) event.get("detail");
            boolean stopping = phase.compareTo(Phase.DEACTIVATING) >= 0;
            detail.put("clusterArn", clusterArn).put("taskArn", taskArn).put("lastStatus", phase.name())
                    .put("desiredStatus", stopping ? "STOPPED" : "RUNNING").put("version", version)
                    .put("createdAt", T0.toString()).put("updatedAt", at.toString());
            detail.withArray("containers").forEach(container -> ((ObjectNode) container).put("taskArn", taskArn)
                    .put("lastStatus", phase == Phase.STOPPED ? "STOPPED" : "RUNNING"));
            if (phase.compareTo(Phase.RUNNING) >= 0) {
                detail.put("startedAt", T0.plusSeconds(40).toString());
            }
            if (!stopping) {
                detail.remove(List.of("stopCode", "stoppedReason"));
            }
            if (phase != Phase.STOPPED) {
                detail.remove("stoppedAt");
            }
            JsonNode answer = stack.invoke("status-change", event.toString());
            assertEquals("APPLIED", answer.path("verdict").asText(), phase + ": " + answer);
            largest = Math.max(largest, ItemSizes.bytes(stack.rawItem(taskId)));
        }
        Map<String, AttributeValue> item = stack.rawItem(taskId);
        System.out.printf("real-shaped ECS task after its 8-phase lifecycle: %d bytes, the largest on the way %d%n",
                ItemSizes.bytes(item), largest);
        assertTrue(largest <= 900, largest + " bytes: " + item);
        List<String> causes = new ArrayList<>();
        stack.describe(taskId).at("/history").forEach(move -> causes.add(move.at("/cause").asText()));
        assertEquals(eventIds, causes, "each move's cause reads back as the event id it was");
    }

    @Test
    void aStoppedTaskIsCompactedAfterTheRetentionTimeToAMarkerThatKeepsItDead() {
        wholeEcsLifecycle();
        String agentTask = "prod_web.4f6b8d0f-5b0e-11ef-9f3a-0242ac110006"; // Marathon's id shape
        List<AgentState> reports = List.of(AgentState.STAGING, AgentState.STARTING, AgentState.RUNNING,
                AgentState.FINISHED);
        for (int second = 0; second < reports.size(); second++) {
            stack.apply(agent(agentTask, reports.get(second), second, UUID.randomUUID().toString()));
        }
        assertEquals(Phase.STOPPED, task(agentTask).lastStatus());
        int full = ItemSizes.bytes(stack.rawItem(ECS_TASK_ID));
        int agentFull = ItemSizes.bytes(stack.rawItem(agentTask));
        Instant firstStopped = task(agentTask).phaseSince();
        Instant stopped = task(ECS_TASK_ID).phaseSince();
        assertTrue(firstStopped.isBefore(stopped));
        long retain = Fixtures.POLICY.retainStoppedSeconds();

        assertEquals(0, stack.sweeper(firstStopped.plusSeconds(retain - 1)).sweep(() -> Long.MAX_VALUE)
                .stoppedCompacted(), "kept whole for the retention time");
        SweepReport due = stack.sweeper(stopped.plusSeconds(retain)).sweep(() -> Long.MAX_VALUE);

        assertEquals(2, due.stoppedCompacted(), due.toString());
        Map<String, AttributeValue> item = stack.rawItem(ECS_TASK_ID);
        int compacted = ItemSizes.bytes(item);
        int agentCompacted = ItemSizes.bytes(stack.rawItem(agentTask));
        System.out.printf("STOPPED, then compacted after %d days: ECS task %d -> %d bytes %s; agent task %d -> %d"
                + " bytes %s%n", retain / 86_400, full, compacted, item.keySet(), agentFull, agentCompacted,
                stack.rawItem(agentTask).keySet());
        assertTrue(compacted < 400, compacted + " bytes: " + item);
        assertTrue(agentCompacted < 200, agentCompacted + " bytes: " + stack.rawItem(agentTask));
        assertEquals(Verdict.UNCHANGED, stack.service.apply(agent(agentTask, AgentState.FINISHED, 3, "again"))
                .verdict(), "its last report again changes nothing");
        assertFalse(item.containsKey("h") || item.containsKey("k") || item.containsKey("sweepKind"), item.toString());
        JsonNode described = stack.describe(ECS_TASK_ID);
        assertEquals("STOPPED", described.at("/task/lastStatus").asText(), described.toString());
        assertEquals(stopped.plusSeconds(retain).toString(), described.at("/compacted/at").asText());
        assertEquals(0, described.at("/history").size());

        assertEquals(Verdict.STALE, stack.service.apply(ecs(ECS_TASK_ID, Phase.RUNNING, 4)).verdict(),
                "a late event, its key long gone, is older than what ECS said last");
        assertEquals(Verdict.REJECTED, stack.service.apply(ecs(ECS_TASK_ID, Phase.RUNNING, 9)).verdict(),
                "a newer one may not bring it back");
        assertEquals(Phase.STOPPED, task(ECS_TASK_ID).lastStatus());
        assertEquals(0, stack.sweeper(stopped.plusSeconds(2 * retain)).sweep(() -> Long.MAX_VALUE).read(),
                "it waits on nothing more");
    }

    @Test
    void aThousandAgentFlapsKeepTheItemSmallAndEachIsOneRequest() {
        String taskId = "prod_web.4f6b8d0f-5b0e-11ef-9f3a-0242ac110006"; // Marathon's id shape
        stack.apply(realAgent(taskId, AgentState.RUNNING, 0));
        stack.dynamoRequests.reset();
        int largest = 0;
        for (int flap = 1; flap <= FLAPS; flap++) {
            AgentState state = flap % 2 == 1 ? AgentState.UNREACHABLE : AgentState.RUNNING;
            assertEquals(Verdict.APPLIED, stack.apply(realAgent(taskId, state, flap)).verdict(), "flap " + flap);
            if (flap > FLAPS - 10) {
                largest = Math.max(largest, ItemSizes.bytes(stack.rawItem(taskId)));
            }
        }
        int bytes = ItemSizes.bytes(stack.rawItem(taskId));
        System.out.printf("after %d flaps: %d bytes, %d at the largest of the last %d; DynamoDB requests %s,"
                + " %.3f per move%n", FLAPS, bytes, largest, KEPT, stack.dynamoRequests.all(),
                stack.dynamoRequests.total() / (double) FLAPS);
        assertEquals(FLAPS, stack.dynamoRequests.total(), "one conditional write a move, the full window rolled: "
                + stack.dynamoRequests.all());
        assertTrue(largest <= 1_000, largest + " bytes at the largest, " + FLAPS + " flaps: " + stack.rawItem(taskId));
        assertKeptWindow(taskId, FLAPS + 1, KEPT);
    }

    /**
     * Lambda runs many processes: each guesses from the records its own writes returned. Four of them take the
     * reports of one flapping task in turn: a process that never saw the window full appends, fails once when it is
     * full (the write decided on the record keeps the newest half), and rolls from then on, as the others do.
     */
    @Test
    void processesTakingTurnsOnAFlappingTaskEachFailAtMostOnceThenRoll() {
        String taskId = "prod_web.5e7c9e1f-5b0e-11ef-9f3a-0242ac110006";
        List<StatusChangeService> processes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            processes.add(new StatusChangeService(new ConditionalWrite(LifecycleStack.bean(TaskTable.class),
                    stack.tasks, LifecycleStack.bean(IndexKeys.class), KEPT), stack.tasks,
                    LifecycleStack.bean(EventPublisher.class), stack.service.lifecycle()));
        }
        processes.getFirst().apply(realAgent(taskId, AgentState.RUNNING, 0));
        stack.dynamoRequests.reset();
        int flaps = 200;
        for (int flap = 1; flap <= flaps; flap++) {
            TaskEvent report = realAgent(taskId, flap % 2 == 1 ? AgentState.UNREACHABLE : AgentState.RUNNING, flap);
            assertEquals(Verdict.APPLIED, processes.get(flap % processes.size()).apply(report).verdict(),
                    "flap " + flap);
        }
        System.out.printf("4 processes in turn, %d flaps: DynamoDB requests %s, %.3f per move%n", flaps,
                stack.dynamoRequests.all(), stack.dynamoRequests.total() / (double) flaps);
        assertTrue(stack.dynamoRequests.total() <= flaps + processes.size(), stack.dynamoRequests.all().toString());
        assertEquals(flaps, stack.dynamoRequests.count("UpdateItem") - (stack.dynamoRequests.total() - flaps),
                "no reads: a failed condition returns the item");
        assertKeptWindow(taskId, flaps + 1, KEPT / 2);
    }

    /** The task's kept history: the newest moves, at least {@code fewest}, alternating, the first naming its origin. */
    private void assertKeptWindow(String taskId, int moves, int fewest) {
        JsonNode described = stack.describe(taskId);
        assertEquals(moves, described.at("/moves").asInt(), "the total counts every move");
        JsonNode history = described.at("/history");
        assertTrue(history.size() >= fewest && history.size() <= KEPT, history.toString());
        for (int i = 0; i < history.size(); i++) {
            JsonNode move = history.get(i);
            assertFalse(move.at("/from").isNull(), "move " + i + " names the phase it left: " + move);
            assertFalse(move.at("/from").asText().equals(move.at("/to").asText()), move.toString());
        }
        assertEquals(described.at("/task/lastStatus").asText(), history.get(history.size() - 1).at("/to").asText());
    }

    @Test
    void aRedeliveryOfAnEventWhoseKeyWasDroppedIsStillStaleOrDuplicate() {
        String taskId = "redelivered";
        List<TaskEvent> delivered = new ArrayList<>();
        delivered.add(agent(taskId, AgentState.RUNNING, 0, UUID.randomUUID().toString()));
        for (int flap = 1; flap <= 200; flap++) {
            AgentState state = flap % 2 == 1 ? AgentState.UNREACHABLE : AgentState.RUNNING;
            delivered.add(agent(taskId, state, flap, UUID.randomUUID().toString()));
        }
        delivered.forEach(stack::apply);
        TaskEvent first = delivered.get(1);
        String item = stack.rawItem(taskId).toString();
        assertFalse(item.contains(first.dedupeKey()), "the first flap's key is no longer kept");

        assertEquals(Verdict.STALE, stack.service.apply(first).verdict(), "older than the agent's last report");
        TaskEvent lastDelivered = delivered.get(delivered.size() - 1);
        assertEquals(Verdict.DUPLICATE, stack.service.apply(lastDelivered).verdict());
        assertEquals(201, stack.describe(taskId).at("/moves").asInt(), "redeliveries moved nothing");
    }

    @Test
    void anItemWrittenInTheFormerLayoutIsReadAndRewrittenInTheCompactOne() {
        String taskId = "former";
        String t0 = "2026-11-26T13:15:52.652802533Z";
        stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(Map.of(
                "taskId", AttributeValue.fromS(taskId),
                "lastStatus", AttributeValue.fromS("RUNNING"),
                "desiredStatus", AttributeValue.fromS("RUNNING"),
                "agentState", AttributeValue.fromS("RUNNING"),
                "agentTimestamp", AttributeValue.fromN(Long.toString(
                        agent(taskId, AgentState.RUNNING, 2, "r").timestampMicros())),
                "version", AttributeValue.fromN("2"),
                "appliedKeys", AttributeValue.fromSs(List.of("agent:s", "agent:r")),
                "history", AttributeValue.fromL(List.of(formerEntry("PENDING", "agent-s", "agent:s", t0),
                        formerEntry("RUNNING", "agent-r", "agent:r", t0))),
                "createdAt", AttributeValue.fromS(t0),
                "updatedAt", AttributeValue.fromS(t0))));

        JsonNode before = stack.describe(taskId);
        assertEquals(2, before.at("/moves").asInt(), before.toString());
        assertEquals(t0, before.at("/history/1/at").asText());
        assertEquals(Verdict.DUPLICATE, stack.service.apply(agent(taskId, AgentState.RUNNING, 2, "r")).verdict(),
                "the former keys count");
        assertEquals(Verdict.APPLIED, stack.apply(agent(taskId, AgentState.UNREACHABLE, 3, "u")).verdict());

        Map<String, AttributeValue> item = stack.rawItem(taskId);
        assertFalse(item.containsKey("history") || item.containsKey("appliedKeys"), item.toString());
        JsonNode after = stack.describe(taskId);
        assertEquals(3, after.at("/moves").asInt(), after.toString());
        assertEquals("PENDING", after.at("/history/0/to").asText());
        assertEquals("RUNNING", after.at("/history/2/from").asText());
        assertEquals("UNREACHABLE", after.at("/history/2/to").asText());
    }

    /**
     * The version before kept the keys in {@code k} and {@code agentKey} as text. Two reports with the same timestamp
     * (the order lets both in): a redelivery of either must still fail the blind write's condition, not move the task.
     */
    @Test
    void keysKeptAsTextByTheVersionBeforeStillStopARedelivery() {
        String taskId = "text-keys";
        TaskEvent running = agent(taskId, AgentState.RUNNING, 5, UUID.randomUUID().toString());
        TaskEvent unreachable = agent(taskId, AgentState.UNREACHABLE, 5, UUID.randomUUID().toString());
        stack.apply(running);
        stack.apply(unreachable);
        Map<String, AttributeValue> item = stack.rawItem(taskId);
        assertEquals(17, item.get("agentKey").b().asByteArray().length, "kept compact: " + item);
        stack.dynamo.updateItem(update -> update.tableName(stack.tableName)
                .key(Map.of("taskId", AttributeValue.fromS(taskId)))
                .updateExpression("SET k = :k, agentKey = :latest")
                .expressionAttributeValues(Map.of(
                        ":k", AttributeValue.fromL(List.of(AttributeValue.fromS(running.dedupeKey()),
                                AttributeValue.fromS(unreachable.dedupeKey()))),
                        ":latest", AttributeValue.fromS(unreachable.dedupeKey()))));
        stack.dynamoRequests.reset();

        assertEquals(Verdict.DUPLICATE, stack.service.apply(running).verdict(), "its key in the list, as text");
        assertEquals(Verdict.DUPLICATE, stack.service.apply(unreachable).verdict(), "the latest, as text");
        assertEquals(2, stack.dynamoRequests.count("UpdateItem"), "each refused by its blind write's condition");
        assertEquals(Phase.UNREACHABLE, task(taskId).lastStatus());
        assertEquals(2, stack.describe(taskId).at("/moves").asInt());
    }

    private static AttributeValue formerEntry(String to, String cause, String key, String at) {
        return AttributeValue.fromM(Map.of("to", AttributeValue.fromS(to), "cause", AttributeValue.fromS(cause),
                "key", AttributeValue.fromS(key), "at", AttributeValue.fromS(at)));
    }
}
