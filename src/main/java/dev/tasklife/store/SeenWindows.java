package dev.tasklife.store;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tasklife.domain.TaskRecord;

/**
 * Which tasks this process saw with a full list ({@link FullWindows}), from the records its writes returned, so that
 * its next blind writes to them roll that list instead of failing for room. The guess sticks: a list once full is
 * never again shorter than half ({@link KeptMoves}), which is all a roll needs; it is dropped when a record shows
 * the list shorter (a task compacted, an id new again). Bounded: the tasks least recently written are forgotten, and
 * a forgotten task costs a failed condition at most once per full window.
 */
final class SeenWindows {

    /** About 1.5 MB of task ids at most. */
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
        FullWindows before = of(taskId);
        FullWindows now = record == null ? FullWindows.NONE
                : new FullWindows(rolls(before.history(), record.history().size()),
                        rolls(before.keys(), record.appliedKeys().size()));
        if (now.equals(FullWindows.NONE)) {
            full.remove(taskId);
        } else {
            full.put(taskId, now);
        }
    }

    private boolean rolls(boolean seenFull, int size) {
        return size >= kept || seenFull && size >= kept / 2;
    }
}
