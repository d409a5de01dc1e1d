package dev.tasklife.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;


import dev.tasklife.Fixtures;
import dev.tasklife.bench.Levels.Level;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.handler.SdkTracing;
import dev.tasklife.handler.StatusChangeHandler;
import dev.tasklife.input.EventParser;
import dev.tasklife.input.JsonFields;
import dev.tasklife.profiles.OnMoto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Like for like (issue 20): the status-change service's one conditional write against the read-then-write it
 * replaces, both in this process, through the functions' own beans, DynamoDB client, counting proxy and moto, under
 * the same latency model (the proxy holds every request {@code bench.latency-ms}, default 5, each on its own
 * thread, as DynamoDB's in-region latency), on the same task mix. The baseline reads the record (consistent GetItem),
 * decides with the same domain and writes guarded by the version it read, reading again when another writer came
 * first: the same service's decided path. Two mixes: ECS tasks through their 8-phase lifecycle (the documented event,
 * 32-hex ids), and agent tasks STAGING, then RUNNING and UNREACHABLE in turn (the worst case: the kept window fills).
 * <p>
 * Each move is timed twice in the same run: by the wall clock (moto's CPU, ~15 ms a request one at a time, included)
 * and by the modelled clock ({@link EmulatorClock}: the wait on the emulator replaced by the model's latency, so the
 * move's own CPU plus 5 ms a request, as on DynamoDB). A third column is the status-change handler in this process
 * (the event's JSON read, admitted, answered): what the function adds to the service before the Runtime API and the
 * process ({@link Benchmark} measures those). Prints a table; asserts nothing about time. Run by
 * {@code ./mvnw -Pbench -DskipTests package}.
 */
@QuarkusTest
@TestProfile(LikeForLike.ModelledClock.class)
class LikeForLike {

    private static final int[] CONCURRENCY = {1, 4, 16};
    private static final Duration LATENCY = Duration.ofMillis(Long.getLong("bench.latency-ms", 5));
    private static final List<LongSupplier> CLOCKS = List.of(System::nanoTime,
            () -> EmulatorClock.modelledNanos(LATENCY));

    /** On moto, with the emulator's waits clocked. */
    public static class ModelledClock extends OnMoto {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.dynamodb.interceptors", SdkTracing.class.getName() + ","
                    + EmulatorClock.class.getName());
        }
    }

    private interface Apply {
        Verdict apply(TaskEvent event, String json) throws Exception;
    }

    /** A task mix: how many tasks, how many events each, and how the index-th event of a task is made. */
    private record Mix(String title, int tasks, int eventsPerTask, Events events) {
    }

    private interface Events {
        Event event(String taskId, int index) throws Exception;
    }

    private record Event(TaskEvent event, String json) {
    }

    @Test
    void printsTheServiceBesideReadThenWrite() throws Exception {
        LifecycleStack stack = LifecycleStack.fresh();
        stack.proxy.modelLatency(LATENCY);
        try {
            // The tables are printed whole at the end: the functions log every event meanwhile.
            StringBuilder tables = new StringBuilder();
            for (Mix mix : List.of(ECS_LIFECYCLE, AGENT_FLAPPING)) {
                tables.append(table(stack, mix));
            }
            System.out.println(tables);
        } finally {
            stack.proxy.modelLatency(Duration.ZERO);
        }
    }

    private static String table(LifecycleStack stack, Mix mix) throws Exception {
        Apply service = (event, json) -> stack.service.apply(event).verdict();
        Apply baseline = (event, json) -> readThenWrite(stack, event);
        Apply handler = (event, json) -> Verdict.valueOf(stack.invoke("status-change", json).path("verdict").asText());
        // Warm both paths (JIT, connections) before anything is timed.
        run(stack, mix, 16, "warm", service);
        run(stack, mix, 16, "warm-b", baseline);
        StringBuilder table = new StringBuilder(String.format("%n## Like for like, %s: %d moves a level, every"
                + " DynamoDB request held %d ms at the proxy, concurrently; one process, the functions' beans and client,"
                + " moto behind the proxy. Measured: wall clock. Modelled: moto's time replaced by %d ms a request%n",
                mix.title(), mix.tasks() * mix.eventsPerTask(), LATENCY.toMillis(), LATENCY.toMillis()));
        table.append(String.format("%-10s | %-9s | %-30s | %-30s | %-24s | %s%n", "concurrent", "clock",
                "this service: moves/s p50 p99", "read-then-write: moves/s p50 p99", "ours/theirs",
                "requests a move; handler in process p50, over the service"));
        for (int concurrency : CONCURRENCY) {
            stack.dynamoRequests.reset();
            List<Level> ours = run(stack, mix, concurrency, "o" + concurrency, service);
            double oursRequests = (double) stack.dynamoRequests.total() / ours.get(0).accepted();
            stack.dynamoRequests.reset();
            List<Level> theirs = run(stack, mix, concurrency, "b" + concurrency, baseline);
            double theirRequests = (double) stack.dynamoRequests.total() / theirs.get(0).accepted();
            List<Level> function = run(stack, mix, concurrency, "h" + concurrency, handler);
            for (int clock = 0; clock < CLOCKS.size(); clock++) {
                Level o = ours.get(clock);
                Level t = theirs.get(clock);
                Level h = function.get(clock);
                table.append(String.format("%-10d | %-9s | %8.1f %7.1f %7.1f      | %8.1f %7.1f %7.1f      |"
                                + " %5.2fx moves/s %5.2fx p50 | %4.2f vs %4.2f; %6.1f ms, %+.1f ms%n", concurrency,
                        clock == 0 ? "measured" : "modelled", o.perSecond(), o.p50(), o.p99(), t.perSecond(), t.p50(),
                        t.p99(), o.perSecond() / t.perSecond(), o.p50() / t.p50(), oursRequests, theirRequests,
                        h.p50(), h.p50() - o.p50()));
            }
        }
        return table.toString();
    }

    /** Read, decide on what was read, write guarded by its version (the service reads again on a lost race). */
    private static Verdict readThenWrite(LifecycleStack stack, TaskEvent event) {
        TaskRecord current = stack.tasks.find(event.taskId()).orElse(null);
        return (current == null ? stack.service.apply(event) : stack.service.apply(event, current)).verdict();
    }

    /** The mix applied by {@code path}, timed by each clock. */
    private static List<Level> run(LifecycleStack stack, Mix mix, int concurrency, String prefix, Apply path)
            throws Exception {
        return Levels.run(concurrency, mix.tasks(), mix.eventsPerTask(), prefix, new Levels.Path<Event>() {
            @Override
            public Event event(String taskId, int index) throws Exception {
                return mix.events().event(taskId, index);
            }

            @Override
            public boolean apply(String taskId, int index, Event event) throws Exception {
                return path.apply(event.event(), event.json()) == Verdict.APPLIED;
            }
        }, CLOCKS);
    }

    /** ECS tasks with real-shaped ARNs, each through PROVISIONING ... STOPPED: every event a move. */
    private static final Mix ECS_LIFECYCLE = new Mix("50 ECS tasks x their 8-phase lifecycle", 50,
            Benchmark.ECS_PHASES.size(), LikeForLike::ecsEvent);

    /** Agent tasks STAGING, then RUNNING and UNREACHABLE in turn: every report a move, the kept window full. */
    private static final Mix AGENT_FLAPPING = new Mix("16 agent tasks x 25 reports flapping", 16, 25,
            LikeForLike::agentEvent);

    /** The documented ECS event for the task (a 32-hex id made from its name) in its index-th phase. */
    private static Event ecsEvent(String taskId, int index) throws Exception {
        String hexId = UUID.nameUUIDFromBytes(taskId.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
        return parsed(Benchmark.ecsEvent(hexId, Benchmark.ECS_PHASES.get(index), index + 1));
    }

    /** {@link Benchmark}'s agent report: the same mix as the packaged function is measured on. */
    private static Event agentEvent(String taskId, int index) throws Exception {
        return parsed(Benchmark.agentEvent(taskId, index));
    }

    /** The event as the status-change function reads and admits it, beside its JSON. */
    private static Event parsed(byte[] json) throws Exception {
        return new Event(EventParser.parse(JsonFields.mapper().readTree(json), StatusChangeHandler.HANDLED,
                Fixtures.ADMISSION), new String(json, StandardCharsets.UTF_8));
    }
}
