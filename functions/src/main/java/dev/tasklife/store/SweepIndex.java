package dev.tasklife.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import dev.tasklife.store.TaskStore.SweepKind;

/**
 * The partition keys of the sparse sweep index: a kind and a shard derived from the task id ({@code UNREACHABLE#5}),
 * so that no kind is one hot key: DynamoDB takes about 1,000 write units a second per index partition key, and
 * every task entering a step phase, or going UNREACHABLE, writes one. The sweeper queries every shard of a kind.
 *
 * @param shards how many keys each kind is spread over; only ever raised: an entry keeps the shard it was written
 *     with until its task leaves the index, and a lower count would leave the higher shards unread
 */
public record SweepIndex(int shards) {

    /** The most shards a kind may have: the sweeper queries each one every run. */
    public static final int MAX_SHARDS = 100;

    public SweepIndex {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("sweep index shards must be 1 to " + MAX_SHARDS + ", not " + shards);
        }
    }

    /** Where the task's entry of this kind goes. */
    public String key(SweepKind kind, String taskId) {
        return kind.name() + "#" + shard(taskId);
    }

    /** The same task always lands in the same shard; CRC-32 spreads ids of any shape evenly. */
    public int shard(String taskId) {
        CRC32 crc = new CRC32();
        crc.update(taskId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    /**
     * Every key the sweeper reads for a kind: each shard, then the bare kind that entries written before the index
     * was sharded still carry (they leave it with their task's next move or sweep).
     */
    public List<String> keys(SweepKind kind) {
        List<String> keys = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            keys.add(kind.name() + "#" + shard);
        }
        keys.add(kind.name());
        return keys;
    }
}
