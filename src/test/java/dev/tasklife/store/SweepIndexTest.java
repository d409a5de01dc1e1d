package dev.tasklife.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.tasklife.domain.Timer;

/** The sweep index's keys: no kind is one hot key, whatever the ids look like. */
class SweepIndexTest {

    private final SweepIndex index = new SweepIndex(8);

    private void assertEvenlySpread(IntFunction<String> ids, String shape) {
        int tasks = 16_000;
        int[] perShard = new int[index.shards().count()];
        IntStream.range(0, tasks).mapToObj(ids).forEach(id -> perShard[index.shards().shardOf(id)]++);
        double mean = (double) tasks / index.shards().count();
        for (int shard = 0; shard < perShard.length; shard++) {
            assertTrue(Math.abs(perShard[shard] - mean) < 0.1 * mean,
                    shape + ": shard " + shard + " holds " + perShard[shard] + " of " + tasks);
        }
    }

    @Test
    void idsOfEveryShapeSpreadEvenlyOverTheShards() {
        assertEvenlySpread(i -> String.format("%032x", UUID.nameUUIDFromBytes(("ecs" + i).getBytes())
                .getMostSignificantBits() ^ i), "ECS task ids");
        assertEvenlySpread(i -> "webapp." + UUID.nameUUIDFromBytes(("m" + i).getBytes()), "Marathon task ids");
        assertEvenlySpread(i -> "t" + i, "short sequential ids");
    }

    @Test
    void aTaskAlwaysLandsInTheSameShardAndItsKeyNamesKindAndShard() {
        String key = index.key(Timer.UNREACHABLE, "webapp.7c1e6d4a");
        assertEquals(key, index.key(Timer.UNREACHABLE, "webapp.7c1e6d4a"));
        assertEquals("UNREACHABLE#" + index.shards().shardOf("webapp.7c1e6d4a"), key);
    }

    @Test
    void theSweeperReadsEveryShardAndTheKeyOfEntriesWrittenBeforeSharding() {
        List<String> keys = index.keys(Timer.STEP);
        assertEquals(9, keys.size());
        assertEquals("STEP#0", keys.get(0));
        assertEquals("STEP#7", keys.get(7));
        assertEquals("STEP", keys.get(8));
    }

    @Test
    void theShardCountIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new SweepIndex(0));
        assertThrows(IllegalArgumentException.class, () -> new SweepIndex(SweepIndex.MAX_SHARDS + 1));
    }
}
