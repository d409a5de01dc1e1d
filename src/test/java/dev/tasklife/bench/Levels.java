package dev.tasklife.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One level of a throughput run: {@code tasks} tasks on {@code concurrency} threads, each task's events in order on
 * one thread, each application timed (not the event's making).
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
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                        String taskId = prefix + "-" + t;
                        for (int i = 0; i < eventsPerTask; i++) {
                            E event = path.event(taskId, i);
                            long began = System.nanoTime();
                            if (path.apply(taskId, i, event)) {
                                accepted.incrementAndGet();
                            }
                            latencies.add(System.nanoTime() - began);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return new Level(accepted.get() / seconds, sorted.get(sorted.size() / 2) / 1e6,
                    sorted.get((int) Math.floor(sorted.size() * 0.99)) / 1e6, accepted.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
