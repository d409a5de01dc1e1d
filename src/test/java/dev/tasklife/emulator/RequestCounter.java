package dev.tasklife.emulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests to one AWS service, counted by operation name (Query, UpdateItem, PutEvents, ...) as they went out. */
public final class RequestCounter {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    void record(String operation) {
        counts.computeIfAbsent(operation, key -> new AtomicInteger()).incrementAndGet();
    }

    public int count(String operation) {
        AtomicInteger count = counts.get(operation);
        return count == null ? 0 : count.get();
    }

    public int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public Map<String, AtomicInteger> all() {
        return Map.copyOf(counts);
    }

    public void reset() {
        counts.clear();
    }
}
