package dev.tasklife.emulated;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.literal.NamedLiteral;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.FaultProxy;
import dev.tasklife.emulator.RequestCounter;
import dev.tasklife.emulator.StreamPump;
import dev.tasklife.profiles.OnMoto;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.service.StatusChangeService;
import dev.tasklife.service.Reconciler;
import dev.tasklife.service.Sweeper;
import dev.tasklife.store.BackfillScan;
import dev.tasklife.store.ConditionalWrite;
import dev.tasklife.store.IndexQueries;
import dev.tasklife.store.TaskReads;
import io.quarkus.arc.Arc;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a scenario suite drives and looks at: the functions' beans as CDI wires them (the same wiring as in Lambda)
 * against the stack {@link OnMoto} made, with the tests' clock and replacement ids, and the proxy's request counts.
 * {@link #fresh()} empties the table, so that each suite starts from nothing.
 */
public final class LifecycleStack {

    /** The functions' own store: records read, the conditional write, the index queries, the backfill scan. */
    public final TaskReads tasks = bean(TaskReads.class);
    public final ConditionalWrite writes = bean(ConditionalWrite.class);
    public final IndexQueries index = bean(IndexQueries.class);
    public final BackfillScan scan = bean(BackfillScan.class);
    /** The status-change service; events arrive at whatever time {@link #clock} says. */
    public final StatusChangeService service = bean(StatusChangeService.class);
    /** The service's clock; {@link #apply} sets it to each event's own time, {@link #sweeper} to the sweep's. */
    public final SettableClock clock = bean(SettableClock.class);
    public final StagedReplacementIds replacementIds = bean(StagedReplacementIds.class);
    public final EmulatedStack aws;
    /** The proxy the functions' clients go through: their requests, counted, and faults to inject. */
    public final FaultProxy proxy;
    public final RequestCounter dynamoRequests;
    public final RequestCounter eventBridgeRequests;
    public final RequestCounter ecsRequests;
    /** The test's own look at the table, straight to the emulator. */
    public final DynamoDbClient dynamo;
    public final String tableName;
    /** Lambda's stream event source for the publisher function; every drain of the notifications pumps it. */
    public final StreamPump stream;

    private LifecycleStack(OnMoto.Emulator emulator) {
        aws = emulator.stack();
        proxy = emulator.proxy();
        dynamoRequests = proxy.dynamoRequests();
        eventBridgeRequests = proxy.eventBridgeRequests();
        ecsRequests = proxy.ecsRequests();
        dynamo = aws.dynamo;
        tableName = aws.tableName;
        stream = aws.streamTo(Invocations.asFunction(function("publisher")));
    }

    /** An empty table, nothing waiting to be published or read, no faults, counts at zero, the clock at T0. */
    public static LifecycleStack fresh() {
        OnMoto.Emulator emulator = OnMoto.current();
        try {
            emulator.stack().recreateTable();
            emulator.stack().receiveNotifications(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        emulator.proxy().reset();
        LifecycleStack stack = new LifecycleStack(emulator);
        stack.clock.set(Fixtures.T0);
        return stack;
    }

    /** The functions' own bean of {@code type}. */
    public static <T> T bean(Class<T> type) {
        return Arc.container().instance(type).get();
    }

    /** A function by the name QUARKUS_LAMBDA_HANDLER selects it (status-change, describe, sweeper, ...). */
    public static RequestStreamHandler function(String name) {
        return Arc.container().instance(RequestStreamHandler.class, NamedLiteral.of(name)).get();
    }

    /** The event delivered at the moment it is dated: the scenarios read as a timeline. */
    public StatusChangeResult apply(TaskEvent event) {
        clock.set(event.time());
        return service.apply(event);
    }

    /** The sweeper, its clock at {@code now}. */
    public Sweeper sweeper(Instant now) {
        clock.set(now);
        return bean(Sweeper.class);
    }

    /** The reconciler, its clock at {@code now}. */
    public Reconciler reconciler(Instant now) {
        clock.set(now);
        return bean(Reconciler.class);
    }

    /** The functions' ECS client (through the proxy to moto's ECS), for a scenario to run and stop tasks with. */
    public EcsClient ecs() {
        return bean(EcsClient.class);
    }

    /** Invokes a function with {@code input} and reads its answer. */
    public JsonNode invoke(String function, String input) {
        return Invocations.invoke(function(function), input);
    }

    public JsonNode describe(String taskId) {
        return Invocations.describe(function("describe"), taskId);
    }

    /**
     * Every event published so far (the stream pumped to the publisher first), as a consumer sees them. Nothing is
     * under way when the pump returns: the publisher ran, and moto's EventBridge delivers to the queue within
     * PutEvents, so the queue is read without waiting.
     */
    public List<JsonNode> drainNotifications() throws IOException {
        stream.pump();
        return aws.receiveNotifications(0);
    }

    /** The same, every delivery of the notifications rule, repeats included. */
    public List<JsonNode> drainDeliveries() throws IOException {
        stream.pump();
        return aws.receiveDeliveries(0);
    }

    public int itemCount() {
        return aws.itemCount();
    }

    public Map<String, AttributeValue> rawItem(String taskId) {
        return aws.rawItem(taskId);
    }
}
