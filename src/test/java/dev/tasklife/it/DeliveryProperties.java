package dev.tasklife.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.sessions.JqwikSession;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Transition;
import dev.tasklife.domain.TransitionTable;
import dev.tasklife.emulated.SeededScenarioSuite;

/**
 * Random event streams per task, delivered with duplicates, in random order, by several writers at once, always
 * end in the record that in-order delivery gives, with a history that is a legal path. The streams come from jqwik's
 * generators in a seeded session (the functions' CDI beans live in a JUnit Jupiter test): a failing case names its
 * seed, and {@code -Ddelivery.seed=N} runs the same cases again.
 */
abstract class DeliveryProperties extends SeededScenarioSuite {

    private static final String SEED = System.getProperty("delivery.seed", Long.toString(new Random().nextLong()));
    private static final List<AgentState> TERMINAL = List.of(AgentState.ERROR, AgentState.FAILED,
            AgentState.DROPPED, AgentState.GONE, AgentState.GONE_BY_OPERATOR, AgentState.FINISHED,
            AgentState.UNKNOWN, AgentState.KILLED);

    private static final AtomicInteger TASKS = new AtomicInteger();

    /** {@code tries} samples of {@code arbitrary}, the same for the same seed. */
    private static <T> List<T> samples(Arbitrary<T> arbitrary, int tries) {
        List<T> samples = new ArrayList<>();
        JqwikSession.run(SEED, () -> arbitrary.sampleStream().limit(tries).forEach(samples::add));
        return samples;
    }

    private static <T> Stream<DynamicTest> cases(Arbitrary<T> walks, int tries, Checked<T> check) {
        List<T> sampledWalks = samples(walks, tries);
        List<Delivery> sampledDeliveries = samples(deliveries(), tries);
        return IntStream.range(0, tries).mapToObj(i -> DynamicTest.dynamicTest(
                "seed " + SEED + " #" + i + ": " + sampledWalks.get(i) + " " + sampledDeliveries.get(i),
                () -> check.run(sampledWalks.get(i), sampledDeliveries.get(i))));
    }

    private interface Checked<T> {
        void run(T walk, Delivery delivery) throws Exception;
    }

    /** How a stream is delivered: copies of each event, order, and how many writers at once. */
    record Delivery(long shuffleSeed, int maxCopies, int writers) {
    }

    static Arbitrary<Delivery> deliveries() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 4)).as(Delivery::new);
    }

    /** An agent's reports for one task, in the order they happened: up, flapping, maybe killed, maybe ended. */
    static Arbitrary<List<AgentState>> agentWalks() {
        // Half the walks stop before a terminal state: an agent flapping between RUNNING and UNREACHABLE is where
        // reordering bites hardest. One in five flaps 6 times: more moves than the item keeps, so its full window
        // rolls, under copies and concurrent writers guessing it full or not.
        return Combinators.combine(Arbitraries.of(0, 1, 2), Arbitraries.of(0, 1, 2, 3, 6),
                Arbitraries.of(false, false, true), Arbitraries.of(TERMINAL).injectNull(0.5))
                .as((start, flaps, killing, end) -> {
                    List<AgentState> walk = new ArrayList<>();
                    if (start >= 1) {
                        walk.add(AgentState.STAGING);
                    }
                    if (start == 2) {
                        walk.add(AgentState.STARTING);
                    }
                    walk.add(AgentState.RUNNING);
                    for (int i = 0; i < flaps; i++) {
                        walk.add(AgentState.UNREACHABLE);
                        walk.add(AgentState.RUNNING);
                    }
                    if (killing) {
                        walk.add(AgentState.KILLING);
                    }
                    if (end != null) {
                        walk.add(end);
                    }
                    return walk;
                });
    }

    /** The ECS phases a task was reported in: any non-empty part of the lifecycle, in order. */
    static Arbitrary<List<Phase>> ecsWalks() {
        return Arbitraries.subsetOf(Phase.LIFECYCLE_ORDER).ofMinSize(1)
                .map(phases -> Phase.LIFECYCLE_ORDER.stream().filter(phases::contains).toList());
    }

    @TestFactory
    Stream<DynamicTest> agentStreamsEndInTheInOrderRecord() {
        return cases(agentWalks(), 60, (walk, delivery) -> check(taskId -> {
            List<TaskEvent> events = new ArrayList<>();
            for (int i = 0; i < walk.size(); i++) {
                events.add(Fixtures.agent(taskId, walk.get(i), i + 1, taskId + "-" + i));
            }
            return events;
        }, "agent" + TASKS.incrementAndGet(), delivery));
    }

    @TestFactory
    Stream<DynamicTest> ecsStreamsEndInTheInOrderRecord() {
        return cases(ecsWalks(), 30, (walk, delivery) -> check(taskId -> {
            List<TaskEvent> events = new ArrayList<>();
            for (int i = 0; i < walk.size(); i++) {
                events.add(Fixtures.ecs(taskId, walk.get(i), i + 1));
            }
            return events;
        }, "ecs" + TASKS.incrementAndGet(), delivery));
    }

    private interface EventStream {
        List<TaskEvent> of(String taskId);
    }

    private void check(EventStream stream, String name, Delivery delivery) throws Exception {
        String reference = name + "-in-order";
        for (TaskEvent event : stream.of(reference)) {
            stack.service.apply(event);
        }
        String delivered = name + "-delivered";
        List<TaskEvent> copies = new ArrayList<>();
        Random random = new Random(delivery.shuffleSeed());
        for (TaskEvent event : stream.of(delivered)) {
            int count = 1 + random.nextInt(delivery.maxCopies());
            for (int i = 0; i < count; i++) {
                copies.add(event);
            }
        }
        Collections.shuffle(copies, random);
        deliverConcurrently(copies, delivery.writers());

        TaskRecord expected = stack.tasks.find(reference).orElseThrow();
        TaskRecord actual = stack.tasks.find(delivered).orElseThrow();
        String context = name + " " + delivery + " history " + actual.history();
        assertSame(expected.lastStatus(), actual.lastStatus(), "lastStatus", context);
        assertSame(expected.desiredStatus(), actual.desiredStatus(), "desiredStatus", context);
        assertSame(expected.agentState(), actual.agentState(), "agentState", context);
        assertSame(expected.outcome(), actual.outcome(), "outcome", context);
        assertSame(expected.outcomeReason(), actual.outcomeReason(), "outcomeReason", context);
        assertSame(expected.ecsVersion(), actual.ecsVersion(), "ecsVersion", context);
        assertSame(expected.agentTimestampMicros(), actual.agentTimestampMicros(), "agentTimestamp", context);
        assertLegalMoves(actual, context);
        assertLegalMoves(expected, name + " in order, history " + expected.history());
    }

    /** Every kept move is allowed; the first leaves the phase the last one dropped entered (none: the first move). */
    private static void assertLegalMoves(TaskRecord record, String context) {
        List<Transition> moves = record.transitions();
        for (Transition move : record.earlierPhase() == null ? moves.subList(1, moves.size()) : moves) {
            if (!TransitionTable.isAllowed(move.from(), move.to())) {
                throw new AssertionError("illegal move " + move + " in " + context);
            }
        }
    }

    private static void assertSame(Object expected, Object actual, String field, String context) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new AssertionError(field + ": in order " + expected + ", delivered " + actual + " (" + context + ")");
        }
    }

    private void deliverConcurrently(List<TaskEvent> copies, int writers) throws Exception {
        ConcurrentLinkedQueue<TaskEvent> queue = new ConcurrentLinkedQueue<>(copies);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                running.add(pool.submit(() -> {
                    for (TaskEvent event = queue.poll(); event != null; event = queue.poll()) {
                        stack.service.apply(event);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : running) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
