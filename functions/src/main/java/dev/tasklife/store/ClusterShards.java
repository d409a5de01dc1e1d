package dev.tasklife.store;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * How the list index spreads a cluster's tasks: over {@code count} partitions {@code cluster#0 .. cluster#count-1},
 * each task in the one its id hashes to. The shard is written once, with the task's cluster, and never moves: the
 * count may be raised later (old tasks stay in the lower shards, which are still read), never lowered.
 */
public record ClusterShards(int count) {

    /** DynamoDB's limit on a partition key is 2,048 bytes; a cluster ARN plus '#' and a shard fits well under. */
    public static final int MAX_COUNT = 1000;

    public ClusterShards {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("the list index needs 1 to " + MAX_COUNT + " shards, not " + count);
        }
    }

    /** CRC-32 of the id: stable across JVMs and releases, unlike anything seeded. */
    public int shardOf(String taskId) {
        CRC32 crc = new CRC32();
        crc.update(taskId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }

    public String key(String cluster, int shard) {
        return cluster + "#" + shard;
    }
}
