package dev.tasklife.it;

import static dev.tasklife.Fixtures.ecs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.ScenarioSuite;
import dev.tasklife.emulator.FaultProxy;
import dev.tasklife.emulator.FaultProxy.Fault;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Throttling and lost answers from DynamoDB and EventBridge, injected by a proxy in front of the emulator: retried
 * with backoff inside the time budget; past it the invocation fails (Lambda retries it); nothing half-written.
 */
abstract class FaultScenarios extends ScenarioSuite {

    private FaultProxy proxy;

    @BeforeEach
    void theProxyInFrontOfTheEmulator() {
        proxy = stack.proxy;
    }

    private List<JsonNode> stateChanges(String taskId) throws Exception {
        return stack.drainNotifications().stream()
                .filter(event -> event.at("/detail/taskId").asText().equals(taskId)).toList();
    }

    @Test
    void aThrottledWriteIsRetriedAndAppliedOnce() throws Exception {
        proxy.inject("UpdateItem", Fault.THROTTLE, 2);

        assertEquals(Verdict.APPLIED, stack.apply(ecs("t1", Phase.RUNNING, 4)).verdict());

        assertEquals(2, proxy.injected("UpdateItem"));
        TaskRecord record = stack.tasks.find("t1").orElseThrow();
        assertEquals(1, record.history().size());
        assertEquals(1, record.version());
        assertEquals(1, stateChanges("t1").size());
    }

    @Test
    void aWriteThatMeetsAnotherWritersTransactionIsALostRaceDecidedAgainAndAppliedOnce() throws Exception {
        stack.apply(ecs("t1", Phase.PENDING, 2));
        proxy.inject("UpdateItem", Fault.TRANSACTION_CONFLICT, 5);

        assertEquals(Verdict.APPLIED, stack.apply(ecs("t1", Phase.RUNNING, 4)).verdict());

        assertEquals(5, proxy.injected("UpdateItem"));
        TaskRecord record = stack.tasks.find("t1").orElseThrow();
        assertEquals(Phase.RUNNING, record.lastStatus());
        assertEquals(2, record.version(), "applied once");
        assertEquals(2, stateChanges("t1").size());
    }

    @Test
    void aThrottledPutEventsIsRetriedAndTheEventDelivered() throws Exception {
        proxy.inject("PutEvents", Fault.THROTTLE, 2);

        assertEquals(Verdict.APPLIED, stack.apply(ecs("t2", Phase.RUNNING, 4)).verdict());

        assertEquals(1, stateChanges("t2").size());
        assertEquals(2, proxy.injected("PutEvents"), "the publisher's PutEvents was throttled twice, then went");
    }

    @Test
    void aPutEventsWhoseAnswerCameTooLateIsSentAgainWithTheSameIds() throws Exception {
        proxy.inject("PutEvents", Fault.LOSE_RESPONSE, 1);

        assertEquals(Verdict.APPLIED, stack.apply(ecs("t6", Phase.RUNNING, 4)).verdict());

        List<JsonNode> deliveries = stack.drainDeliveries().stream()
                .filter(event -> event.at("/detail/taskId").asText().equals("t6")).toList();
        assertEquals(1, proxy.injected("PutEvents"));
        assertEquals(2, deliveries.size(), "EventBridge took the call whose answer the client never saw");
        assertNotEquals(deliveries.get(0).get("id"), deliveries.get(1).get("id"), "EventBridge's own ids differ");
        assertEquals(deliveries.get(0).at("/detail/eventId"), deliveries.get(1).at("/detail/eventId"),
                "the id consumers drop the copy by is the same");
    }

    @Test
    void throttlingThatDoesNotEndFailsTheInvocationInTimeAndWritesNothing() {
        proxy.inject("UpdateItem", Fault.THROTTLE, 1_000);
        long start = System.nanoTime();

        assertThrows(SdkException.class, () -> stack.apply(ecs("t3", Phase.RUNNING, 4)));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Duration budget = ConfigProvider.getConfig().getValue("tasklife.aws.call-timeout", Duration.class);
        assertTrue(took.compareTo(budget.plusSeconds(1)) < 0, "gave up within the budget of " + budget + ": " + took);
        int attempts = proxy.injected("UpdateItem");
        // Throttling backs off longer than other errors: the time budget, not the 5 attempts, ends it here.
        assertTrue(attempts >= 2 && attempts <= 5, "retried with backoff, at most 5 attempts: " + attempts);
        assertTrue(stack.tasks.find("t3").isEmpty());
    }

    @Test
    void aWriteWhoseAnswerWasLostIsNotMadeTwiceAndItsEventStillGoesOut() throws Exception {
        proxy.inject("UpdateItem", Fault.LOSE_RESPONSE, 1);

        stack.apply(ecs("t4", Phase.RUNNING, 4));

        TaskRecord record = stack.tasks.find("t4").orElseThrow();
        assertEquals(1, proxy.injected("UpdateItem"));
        assertEquals(1, record.history().size(), "the retried write met its own dedupe key");
        assertEquals(1, record.version());
        assertEquals(Phase.RUNNING, record.lastStatus());
        assertEquals(1, stateChanges("t4").size(), "the stream says what the write said");
    }

    @Test
    void whenPutEventsFailsAfterTheWriteTheEventIsDeliveredOnTheStreamsRetry() throws Exception {
        proxy.inject("PutEvents", Fault.THROTTLE, 1_000);
        assertEquals(Verdict.APPLIED, stack.apply(ecs("t5", Phase.RUNNING, 4)).verdict());
        assertEquals(List.of(), stateChanges("t5"), "EventBridge is down: nothing yet");

        proxy.heal();
        List<JsonNode> delivered = stateChanges("t5");

        assertEquals(1, delivered.size(), "handed back by the stream and delivered once EventBridge takes it");
        assertEquals(2, stack.stream.deliveries());
        assertEquals("RUNNING", delivered.get(0).at("/detail/to").asText());
        assertEquals(1, delivered.get(0).at("/detail/version").asLong(), "exactly as the write said");
    }

    @Test
    void whenPutEventsRefusesEntriesTheEventIsDeliveredOnTheStreamsRetry() throws Exception {
        // The publisher sends a refused entry again twice itself; the third refusal hands the record back.
        proxy.inject("PutEvents", Fault.REFUSE_ENTRIES, 3);
        stack.apply(ecs("t6", Phase.RUNNING, 4));
        assertEquals(List.of(), stateChanges("t6"));

        List<JsonNode> delivered = stateChanges("t6");

        assertEquals(3, proxy.injected("PutEvents"));
        assertEquals(1, delivered.size());
    }
}
