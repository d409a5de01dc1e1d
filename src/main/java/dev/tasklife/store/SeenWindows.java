package dev.tasklife.store;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tasklife.domain.TaskRecord;

/**
 * Which tasks this process last saw with a full window ({@link FullWindows}), from the records its writes returned,
 * so that its next blind write to them rolls instead of failing for room. A full list stays full (every write keeps
 * the newest {@code kept}), so what was seen full stays so until the task is compacted or a former version trimmed
 * it; a stale guess costs one failed condition. Bounded: the tasks least recently written are forgotten.
 */
final class SeenWindows {

    /** About 1.5 MB of task ids at most; a forgotten task costs one failed condition when it flaps again. */
    static final int TASKS = 10_000;

    private final int kept;
    private final Map<String, FullWindows> full = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FullWindows> eldest) {
            return size() > TASKS;
        }
    };

    SeenWindows(int kept) {
        this.kept = kept;
    }

    synchronized FullWindows of(String taskId) {
        return full.getOrDefault(taskId, FullWindows.NONE);
    }

    /** What a write to the task returned: its record, or null where it has none (so its lists have room). */
    synchronized void saw(String taskId, TaskRecord record) {
        FullWindows windows = record == null ? FullWindows.NONE : FullWindows.of(record, kept);
        if (windows.equals(FullWindows.NONE)) {
            full.remove(taskId);
        } else {
            full.put(taskId, windows);
        }
    }
}
