package dev.tasklife.store;

import dev.tasklife.domain.TaskRecord;

/**
 * Whether a task's kept history and kept keys are full ({@code kept} long). A blind write appends to a list with room
 * and rolls a full one: drops its oldest element as it adds (one request, no read). Each form is guarded by its own
 * condition, so a wrong guess only fails the write, and the record that comes back decides.
 */
record FullWindows(boolean history, boolean keys) {

    static final FullWindows NONE = new FullWindows(false, false);

    static FullWindows of(TaskRecord record, int kept) {
        return new FullWindows(record.history().size() >= kept, record.appliedKeys().size() >= kept);
    }
}
