package dev.tasklife.bench;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Fixtures;
import dev.tasklife.bench.Levels.Level;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.input.JsonFields;
import dev.tasklife.profiles.OnMoto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Like for like (issue 20): the status-change service's one conditional write against the read-then-write it
 * replaces, both in this process, through the functions' own beans, DynamoDB client, counting proxy and moto, under
 * the same latency model (the proxy holds every request {@code bench.latency-ms}, default 5, each on its own
 * thread, as DynamoDB's in-region latency), on the same task mix: agent tasks STAGING, then RUNNING and UNREACHABLE
 * in turn, every report a move. The baseline reads the record (consistent GetItem), decides with the same domain and
 * writes guarded by the version it read, reading again when another writer came first: the same service's decided
 * path. A third column is the status-change handler in this process (the event's JSON read, admitted, answered):
 * what the function adds to the service before the Runtime API and the process ({@link Benchmark} measures those).
 * Prints a table; asserts nothing about time. Run by {@code ./mvnw -Pbench -DskipTests package}.
 */
@QuarkusTest
@TestProfile(OnMoto.class)
class LikeForLike {

    private static final int TASKS = 16;
    private static final int EVENTS_PER_TASK = 25;
    private static final int[] CONCURRENCY = {1, 4, 16};
    private static final Duration LATENCY = Duration.ofMillis(Long.getLong("bench.latency-ms", 5));

    private interface Apply {
        Verdict apply(TaskEvent event, String json) throws Exception;
    }

    @Test
    void printsTheServiceBesideReadThenWrite() throws Exception {
        LifecycleStack stack = LifecycleStack.fresh();
        stack.proxy.modelLatency(LATENCY);
        try {
            // Warm both paths (JIT, connections) before anything is timed.
            run(stack, 16, "warm", (event, json) -> stack.service.apply(event).verdict());
            run(stack, 16, "warm-b", (event, json) -> readThenWrite(stack, event));
            // The table is printed whole at the end: the functions log every event meanwhile.
            StringBuilder table = new StringBuilder(String.format("%n## Like for like: %d moves a level (%d agent"
                    + " tasks x %d reports), every DynamoDB request held %d ms at the proxy, concurrently; one process,"
                    + " the functions' beans and client, moto behind the proxy%n", TASKS * EVENTS_PER_TASK, TASKS,
                    EVENTS_PER_TASK, LATENCY.toMillis()));
            table.append(String.format("%-10s | %-36s | %-36s | %-24s | %s%n", "concurrent",
                    "this service: moves/s p50 p99 req", "read-then-write: moves/s p50 p99 req", "ours/theirs",
                    "handler in process: p50, over the service"));
            for (int concurrency : CONCURRENCY) {
                stack.dynamoRequests.reset();
                Level ours = run(stack, concurrency, "o" + concurrency,
                        (event, json) -> stack.service.apply(event).verdict());
                double oursRequests = (double) stack.dynamoRequests.total() / ours.accepted();
                stack.dynamoRequests.reset();
                Level theirs = run(stack, concurrency, "b" + concurrency, (event, json) -> readThenWrite(stack, event));
                double theirRequests = (double) stack.dynamoRequests.total() / theirs.accepted();
                Level handler = run(stack, concurrency, "h" + concurrency, (event, json) -> Verdict.valueOf(
                        stack.invoke("status-change", json).path("verdict").asText()));
                table.append(String.format("%-10d | %8.1f %6.1f %6.1f %5.2f       | %8.1f %6.1f %6.1f %5.2f  "
                                + "        | %5.2fx moves/s %5.2fx p50 | %6.1f ms, %+.1f ms%n", concurrency,
                        ours.perSecond(), ours.p50(), ours.p99(), oursRequests, theirs.perSecond(), theirs.p50(),
                        theirs.p99(), theirRequests, ours.perSecond() / theirs.perSecond(),
                        ours.p50() / theirs.p50(), handler.p50(), handler.p50() - ours.p50()));
            }
            System.out.println(table);
        } finally {
            stack.proxy.modelLatency(Duration.ZERO);
        }
    }

    /** Read, decide on what was read, write guarded by its version (the service reads again on a lost race). */
    private static Verdict readThenWrite(LifecycleStack stack, TaskEvent event) {
        TaskRecord current = stack.tasks.find(event.taskId()).orElse(null);
        return (current == null ? stack.service.apply(event) : stack.service.apply(event, current)).verdict();
    }

    /** The agent-task mix applied by {@code path}: STAGING, then RUNNING and UNREACHABLE in turn. */
    private static Level run(LifecycleStack stack, int concurrency, String prefix, Apply path) throws Exception {
        return Levels.run(concurrency, TASKS, EVENTS_PER_TASK, prefix, new Levels.Path<TaskEvent.AgentStatusUpdate>() {
            @Override
            public TaskEvent.AgentStatusUpdate event(String taskId, int index) {
                AgentState state = index == 0 ? AgentState.STAGING
                        : index % 2 == 1 ? AgentState.RUNNING : AgentState.UNREACHABLE;
                return Fixtures.agent(taskId, state, index, UUID.randomUUID().toString());
            }

            @Override
            public boolean apply(String taskId, int index, TaskEvent.AgentStatusUpdate event) throws Exception {
                return path.apply(event, envelope(event)) == Verdict.APPLIED;
            }
        });
    }

    /** The update as the agent side puts it on the bus (the handler reads it as any status update). */
    private static String envelope(TaskEvent.AgentStatusUpdate event) {
        ObjectNode envelope = JsonFields.mapper().createObjectNode();
        envelope.put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", "Task Status Update")
                .put("source", "dev.tasklife.agent").put("account", Fixtures.ACCOUNT)
                .put("time", event.time().toString()).put("region", "us-west-2").putArray("resources");
        envelope.putObject("detail").put("taskId", event.taskId()).put("state", "TASK_" + event.state().name())
                .put("agentId", event.agentId()).put("timestamp", event.timestampMicros() / 1e6)
                .put("uuid", event.uuid());
        return envelope.toString();
    }
}
