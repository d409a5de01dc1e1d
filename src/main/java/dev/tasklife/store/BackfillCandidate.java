package dev.tasklife.store;

import java.time.Instant;

/**
 * An item as a backfill scan reads it: what tells which index keys it lacks. {@code source}: whose reports
 * keep it in the reconcile index (null: none yet); {@code live}: it has a phase and is not STOPPED;
 * {@code updatedAt}: when it was last written, taken as when it was last heard from; {@code unreadable}: why
 * the item is not one this code can read (it then lacks nothing), or null; {@code lacksRetentionKey}: STOPPED,
 * not expunged, not compacted, and waiting on nothing (it stopped before the retention timer existed).
 */
public record BackfillCandidate(String taskId, boolean live, ReconcileKind source, boolean inReconcileIndex,
                                String cluster, boolean inListIndex, Instant updatedAt, boolean lacksRetentionKey,
                                String unreadable) {

    static BackfillCandidate unreadable(String taskId, String why) {
        return new BackfillCandidate(taskId, false, null, false, null, false, null, false, why);
    }

    public boolean lacksReconcileKey() {
        return live && source != null && !inReconcileIndex;
    }

    public boolean lacksListKey() {
        return cluster != null && !inListIndex;
    }
}
