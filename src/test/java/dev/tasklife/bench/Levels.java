package dev.tasklife.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One level of a throughput run: {@code tasks} tasks on {@code concurrency} threads, each task's events in order on
 * one thread, each application timed (not the event's making) by one or more clocks read on the worker's thread:
 * the wall clock, or a modelled one ({@link EmulatorClock}). A level lasts as long as its busiest worker by that
 * clock.
 */
final class Levels {

    /** Moves a second, latency percentiles in milliseconds, and how many events were moves. */
    record Level(double perSecond, double p50, double p99, int accepted) {
    }

    /** The events of one task and how they are applied. */
    interface Path<E> {
        /** The {@code index}-th event of the task, made before the clock starts. */
        E event(String taskId, int index) throws Exception;

        /** Applies it; true when it was a move. */
        boolean apply(String taskId, int index, E event) throws Exception;
    }

    private Levels() {
    }

    static <E> Level run(int concurrency, int tasks, int eventsPerTask, String prefix, Path<E> path)
            throws Exception {
        return run(concurrency, tasks, eventsPerTask, prefix, path, List.of(System::nanoTime)).get(0);
    }

    /** The level timed by each of {@code clocks} (nanoseconds), in their order. */
    static <E> List<Level> run(int concurrency, int tasks, int eventsPerTask, String prefix, Path<E> path,
                               List<LongSupplier> clocks) throws Exception {
        List<List<Long>> latencies = new ArrayList<>();
        List<List<Long>> busy = new ArrayList<>();
        for (int c = 0; c < clocks.size(); c++) {
            latencies.add(Collections.synchronizedList(new ArrayList<>()));
            busy.add(Collections.synchronizedList(new ArrayList<>()));
        }
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    long[] spent = new long[clocks.size()];
                    long[] began = new long[clocks.size()];
                    for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                        String taskId = prefix + "-" + t;
                        for (int i = 0; i < eventsPerTask; i++) {
                            E event = path.event(taskId, i);
                            for (int c = 0; c < began.length; c++) {
                                began[c] = clocks.get(c).getAsLong();
                            }
                            if (path.apply(taskId, i, event)) {
                                accepted.incrementAndGet();
                            }
                            for (int c = 0; c < began.length; c++) {
                                long took = clocks.get(c).getAsLong() - began[c];
                                latencies.get(c).add(took);
                                spent[c] += took;
                            }
                        }
                    }
                    for (int c = 0; c < spent.length; c++) {
                        busy.get(c).add(spent[c]);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            List<Level> levels = new ArrayList<>();
            for (int c = 0; c < clocks.size(); c++) {
                double seconds = Collections.max(busy.get(c)) / 1e9;
                List<Long> sorted = new ArrayList<>(latencies.get(c));
                Collections.sort(sorted);
                levels.add(new Level(accepted.get() / seconds, sorted.get(sorted.size() / 2) / 1e6,
                        sorted.get((int) Math.floor(sorted.size() * 0.99)) / 1e6, accepted.get()));
            }
            return levels;
        } finally {
            pool.shutdownNow();
        }
    }
}
