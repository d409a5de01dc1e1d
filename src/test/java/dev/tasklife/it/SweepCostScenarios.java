package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.launch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.Phase;
import dev.tasklife.emulator.ItemSizes;
import dev.tasklife.service.SweepReport;
import dev.tasklife.domain.Timer;
import dev.tasklife.emulated.SeededScenarioSuite;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The sweep's cost: 10,000 tasks of which 50 are UNREACHABLE (40 for longer than expungeAfterSeconds, 10 not yet).
 * The sweep must touch only the 50: requests and read capacity counted, no Scan.
 */
abstract class SweepCostScenarios extends SeededScenarioSuite {

    private static final int HEALTHY = 9_950;
    private static final int STALE = 40;
    private static final int FRESH = 10;

    @BeforeAll
    void seed() throws Exception {
        // The healthy tasks only need to be there, shaped as the store leaves a RUNNING task.
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < HEALTHY; i++) {
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                    "taskId", AttributeValue.fromS("healthy-" + i),
                    "lastStatus", AttributeValue.fromS("RUNNING"),
                    "desiredStatus", AttributeValue.fromS("RUNNING"),
                    "version", AttributeValue.fromN("2"),
                    "createdAt", AttributeValue.fromS(T0.toString()),
                    "updatedAt", AttributeValue.fromS(T0.toString()))).build()).build());
            if (batch.size() == 25 || i == HEALTHY - 1) {
                List<WriteRequest> items = List.copyOf(batch);
                stack.dynamo.batchWriteItem(write -> write.requestItems(Map.of(stack.tableName, items)));
                batch.clear();
            }
        }
        // The unreachable ones go through the service, so that they are exactly as it leaves them.
        for (int i = 0; i < STALE + FRESH; i++) {
            String taskId = (i < STALE ? "stale-" : "fresh-") + i;
            long second = i < STALE ? 10 : 800;
            stack.apply(launch(taskId, null, false, false, null));
            stack.apply(agent(taskId, AgentState.RUNNING, second - 1, taskId + "-r"));
            stack.apply(agent(taskId, AgentState.UNREACHABLE, second, taskId + "-u"));
        }
    }

    @Test
    void theSweepTouchesOnlyTheUnreachableTasks() {
        assertEquals(HEALTHY + STALE + FRESH, stack.itemCount());
        stack.dynamoRequests.reset();
        // The stale tasks under the first key holding any reconnect after their page was read, before the sweep
        // handles them: the sweep checks its deadline before each page (one per key) and before each task.
        List<String> keys = Fixtures.SWEEP_INDEX.keys(Timer.UNREACHABLE);
        List<String> indexed = IntStream.range(0, STALE + FRESH).mapToObj(i -> (i < STALE ? "stale-" : "fresh-") + i)
                .toList();
        String firstStaleKey = keys.stream().filter(key -> indexed.stream().limit(STALE)
                .anyMatch(id -> keyOf(id).equals(key))).findFirst().orElseThrow();
        List<String> reconnecting = indexed.stream().limit(STALE).filter(id -> keyOf(id).equals(firstStaleKey))
                .toList();
        long checksBefore = keys.subList(0, keys.indexOf(firstStaleKey)).stream()
                .mapToLong(key -> 1 + indexed.stream().limit(STALE).filter(id -> keyOf(id).equals(key)).count())
                .sum();
        AtomicInteger checks = new AtomicInteger();
        SweepReport report = stack.sweeper(T0.plusSeconds(10 + 900)).sweep(() -> {
            if (checks.incrementAndGet() == checksBefore + 2) {
                reconnecting.forEach(id -> stack.service.apply(agent(id, AgentState.RUNNING, 600, id + "-back")));
            }
            return Long.MAX_VALUE;
        });

        System.out.printf("sweep of %d tasks (%d unreachable): %s; DynamoDB requests %s; read units %.1f%n",
                HEALTHY + STALE + FRESH, STALE + FRESH, report, stack.dynamoRequests.all(), report.readUnits());
        assertEquals(STALE + FRESH, report.read(), "only the sparse index's entries are read");
        assertEquals(STALE - reconnecting.size(), report.expunged());
        assertEquals(FRESH, report.notDue());
        assertEquals(reconnecting.size(), report.movedOn());
        assertEquals(0, stack.dynamoRequests.count("Scan"));
        assertEquals(Arrays.stream(Timer.values()).mapToInt(kind -> Fixtures.SWEEP_INDEX.keys(kind).size()).sum(),
                stack.dynamoRequests.count("Query"), "one page per key of each wait (UNREACHABLE, steps, kills,"
                        + " launches, tombstones due): every shard, and the unsharded key of entries written before"
                        + " sharding");
        // The index tells which tasks are due; their whole records are read in one BatchGetItem per page that has
        // any (one page per key here), the others' never.
        assertEquals(keys.stream().filter(key -> indexed.stream().limit(STALE).anyMatch(id -> keyOf(id).equals(key)))
                .count(), stack.dynamoRequests.count("BatchGetItem"));
        // A guarded write by the sweeper per stale task (those of the reconnected ones fail), plus each
        // reconnecting task's own blind write.
        assertEquals(STALE + reconnecting.size(), stack.dynamoRequests.count("UpdateItem"));
        assertEquals(0, stack.dynamoRequests.count("GetItem"));
        assertTrue(report.readUnits() <= 2 * (STALE + FRESH), "read capacity in proportion to the 50 (their index"
                + " entries, and the records of the 40 due), not the 10,000");
        for (String id : indexed.subList(0, STALE)) {
            assertEquals(reconnecting.contains(id) ? Phase.RUNNING : Phase.STOPPED,
                    stack.tasks.find(id).orElseThrow().lastStatus(), id);
        }
        assertEquals(Phase.UNREACHABLE, stack.tasks.find("fresh-" + STALE).orElseThrow().lastStatus());
    }

    @Test
    void theIndexHoldsOnlyWhatTellsWhetherATaskIsDue() {
        String taskId = "fresh-" + STALE;
        Map<String, AttributeValue> item = stack.rawItem(taskId);
        Map<String, AttributeValue> entry = stack.dynamo.query(query -> query.tableName(stack.tableName)
                        .indexName("sweepDue")
                        .keyConditionExpression("sweepKind = :key")
                        .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(keyOf(taskId)))))
                .items().stream().filter(indexed -> indexed.get("taskId").s().equals(taskId)).findFirst()
                .orElseThrow();

        assertTrue(Set.of("taskId", "sweepKind", "sweepSince", "lastStatus", "version", "replaceOnFailure",
                "replacedBy", "inactiveAfterSeconds", "expungeAfterSeconds").containsAll(entry.keySet()),
                "the keys, the phase and version the sweep's finding acts on, the task's strategy: " + entry.keySet());
        System.out.printf("sweep index entry %d bytes, its task's item %d bytes%n", ItemSizes.bytes(entry),
                ItemSizes.bytes(item));
        assertTrue(ItemSizes.bytes(entry) < 150, "entry of " + ItemSizes.bytes(entry) + " bytes: " + entry);
    }

    private static String keyOf(String taskId) {
        return Fixtures.SWEEP_INDEX.key(Timer.UNREACHABLE, taskId);
    }

    @Test
    void theIndexEntriesAreSpreadOverTheShardsNoneHot() {
        int[] perShard = new int[Fixtures.SWEEP_INDEX.shards().count()];
        for (int i = STALE; i < STALE + FRESH; i++) {
            String key = stack.rawItem("fresh-" + i).get("sweepKind").s();
            assertEquals(Fixtures.SWEEP_INDEX.key(Timer.UNREACHABLE, "fresh-" + i), key);
            perShard[Integer.parseInt(key.substring(key.indexOf('#') + 1))]++;
        }
        assertTrue(IntStream.of(perShard).max().orElseThrow() <= 3,
                "the 10 entries left spread over the shards: " + Arrays.toString(perShard));
    }
}
