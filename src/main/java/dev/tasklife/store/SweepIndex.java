package dev.tasklife.store;

import java.util.ArrayList;
import java.util.List;

import dev.tasklife.domain.Timer;

/**
 * The partition keys of the sparse sweep index: a kind spread over shards by task id ({@code UNREACHABLE#5}), so that
 * no kind is one hot key: every task entering a step phase, or going UNREACHABLE, writes one entry. The sweeper
 * queries every shard of a kind.
 *
 * @param shards how many keys each kind is spread over (only ever raised)
 */
public record SweepIndex(Shards shards) {

    /** The most shards a kind may have: the sweeper queries each one every run. */
    public static final int MAX_SHARDS = 100;

    public SweepIndex(int count) {
        this(new Shards(count));
    }

    public SweepIndex {
        if (shards.count() > MAX_SHARDS) {
            throw new IllegalArgumentException("the sweep index takes at most " + MAX_SHARDS + " shards a kind, not "
                    + shards.count());
        }
    }

    /** Where the task's entry of this kind goes. */
    public String key(Timer kind, String taskId) {
        return shards.keyOf(kind.name(), taskId);
    }

    /**
     * Every key the sweeper reads for a kind: each shard, then, for the kinds older than the sharding (UNREACHABLE,
     * STEP, TOMBSTONE), the bare kind that entries written before it still carry (they leave it with their task's
     * next move or sweep). The waits added since (KILL, LAUNCH, RETAIN) were sharded from the start.
     */
    public List<String> keys(Timer kind) {
        List<String> keys = new ArrayList<>(shards.keys(kind.name()));
        boolean olderThanSharding = switch (kind) {
            case UNREACHABLE, STEP, TOMBSTONE -> true;
            case KILL, LAUNCH, RETAIN -> false;
        };
        if (olderThanSharding) {
            keys.add(kind.name());
        }
        return keys;
    }
}
