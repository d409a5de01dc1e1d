package dev.tasklife.emulated;

import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/** Replacement ids in the tests: the ids a test stages first, in order (to stage a taken id), then random ones. */
@Alternative
@Priority(1)
@Singleton
public class StagedReplacementIds implements Supplier<UUID> {

    private final Queue<UUID> staged = new ConcurrentLinkedQueue<>();

    public void stage(UUID id) {
        staged.add(id);
    }

    @Override
    public UUID get() {
        return Optional.ofNullable(staged.poll()).orElseGet(UUID::randomUUID);
    }
}
