package dev.tasklife.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.Lifecycle;
import dev.tasklife.emulated.Invocations;
import io.quarkus.test.junit.QuarkusTest;

/** The artifact boots, and each name QUARKUS_LAMBDA_HANDLER can select resolves to its wired handler. */
@QuarkusTest
class FunctionWiringTest {

    @Inject
    @Named("status-change")
    RequestStreamHandler statusChange;

    @Inject
    @Named("describe")
    RequestStreamHandler describe;

    @Inject
    @Named("step-completion")
    RequestStreamHandler stepCompletion;

    @Inject
    @Named("sweeper")
    RequestStreamHandler sweeper;

    @Inject
    @Named("publisher")
    RequestStreamHandler publisher;

    @Inject
    @Named("reconciler")
    RequestStreamHandler reconciler;

    @Inject
    @Named("backfill")
    RequestStreamHandler backfill;

    @Inject
    Lifecycle lifecycle;

    private static JsonNode call(RequestStreamHandler handler, String input) {
        return Invocations.invoke(handler, input);
    }

    @Test
    void theLifecycleRunsWithThePolicyTheTestsTakeForTheDefaults() {
        assertEquals(Fixtures.POLICY, lifecycle.policy());
    }

    @Test
    void namedHandlersAreTheFunctions() throws Exception {
        assertEquals(StatusChangeHandler.class, statusChange.getClass());
        assertEquals(DescribeHandler.class, describe.getClass());
        assertEquals(StepCompletionHandler.class, stepCompletion.getClass());
        assertEquals(SweeperHandler.class, sweeper.getClass());
        assertEquals(PublisherHandler.class, publisher.getClass());
        assertEquals(ReconcilerHandler.class, reconciler.getClass());
        assertEquals(BackfillHandler.class, backfill.getClass());
        assertEquals(0, call(publisher, "{\"Records\":[]}").get("published").asInt());
        assertEquals("detail-type 'Task Stop Requested' is not handled here (expected one of [Task Step Completed])",
                call(stepCompletion, "{\"detail-type\":\"Task Stop Requested\",\"id\":\"e\"}").get("error")
                        .asText(), "each function takes only the events routed to it");
        assertEquals("INVALID", call(statusChange, "not json").get("verdict").asText());
        assertEquals("taskId, taskIds or cluster is required", call(describe, "{}").get("error").asText());
        assertEquals("segments must be 1 to 1000 and segment below it",
                call(backfill, "{\"segment\":4,\"segments\":4}").get("error").asText());
    }
}
