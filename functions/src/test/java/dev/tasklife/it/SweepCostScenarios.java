package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.launch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.Phase;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.service.SweepReport;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The sweep's cost: 10,000 tasks of which 50 are UNREACHABLE (40 for longer than expungeAfterSeconds, 10 not yet).
 * The sweep must touch only the 50: requests and read capacity counted, no Scan.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SweepCostScenarios {

    private static final int HEALTHY = 9_950;
    private static final int STALE = 40;
    private static final int FRESH = 10;

    LifecycleStack stack;

    @BeforeAll
    void seed() throws Exception {
        stack = LifecycleStack.fresh();
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
        AtomicInteger checks = new AtomicInteger();
        SweepReport report = stack.sweeper(T0.plusSeconds(10 + 900)).sweep(() -> {
            // One stale task reconnects after the page was read, before the sweep reaches it.
            if (checks.incrementAndGet() == 2) {
                stack.service.apply(agent("stale-0", AgentState.RUNNING, 600, "stale-0-back"));
            }
            return Long.MAX_VALUE;
        });

        System.out.printf("sweep of %d tasks (%d unreachable): %s; DynamoDB requests %s; read units %.1f%n",
                HEALTHY + STALE + FRESH, STALE + FRESH, report, stack.dynamoRequests.all(), report.readUnits());
        assertEquals(STALE + FRESH, report.read(), "only the sparse index's entries are read");
        assertEquals(STALE - 1, report.expunged());
        assertEquals(FRESH, report.notDue());
        assertEquals(1, report.movedOn());
        assertEquals(0, stack.dynamoRequests.count("Scan"));
        assertEquals(3, stack.dynamoRequests.count("Query"),
                "one page of UNREACHABLE tasks, one of steps, one of tombstones due");
        // 40 guarded writes by the sweeper, plus the reconnecting task's own blind write.
        assertEquals(STALE + 1, stack.dynamoRequests.count("UpdateItem"));
        assertEquals(0, stack.dynamoRequests.count("GetItem"));
        assertTrue(report.readUnits() <= STALE + FRESH, "read capacity in proportion to the 50, not the 10,000");
        assertEquals(Phase.RUNNING, stack.store.find("stale-0").orElseThrow().lastStatus());
        assertEquals(Phase.STOPPED, stack.store.find("stale-1").orElseThrow().lastStatus());
        assertEquals(Phase.UNREACHABLE, stack.store.find("fresh-" + STALE).orElseThrow().lastStatus());
    }
}
