package dev.tasklife.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/**
 * How an index spreads one partition key over {@code count} keys {@code prefix#0 .. prefix#count-1}, each task in the
 * one its id hashes to, so that no key is hot (a partition key takes about 1,000 write units a second): a cluster's
 * tasks in the list index, a kind's entries in the sweep index. A task's shard never moves: the count may be raised
 * later (entries stay in the lower shards, which are still read), never lowered.
 */
public record Shards(int count) {

    /** DynamoDB's limit on a partition key is 2,048 bytes; a cluster ARN plus '#' and a shard fits well under. */
    public static final int MAX_COUNT = 1000;

    public Shards {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("an index key needs 1 to " + MAX_COUNT + " shards, not " + count);
        }
    }

    /** CRC-32 of the id: stable across JVMs and releases, unlike anything seeded, and even for ids of any shape. */
    public int shardOf(String taskId) {
        CRC32 crc = new CRC32();
        crc.update(taskId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }

    public String key(String prefix, int shard) {
        return prefix + "#" + shard;
    }

    /** The key of the shard {@code taskId} hashes to, under {@code prefix}. */
    public String keyOf(String prefix, String taskId) {
        return key(prefix, shardOf(taskId));
    }

    /** Every key under {@code prefix}, shard 0 first: what a reader of all of them queries. */
    public List<String> keys(String prefix) {
        return IntStream.range(0, count).mapToObj(shard -> key(prefix, shard)).toList();
    }
}
