package dev.tasklife.store;

/**
 * Which of a task's kept lists (its history, its dedupe keys) a blind write takes to be full. It appends to a list
 * with room and rolls a full one: drops its oldest element as it adds (one request, no read). Each form is guarded by
 * its own condition, so a wrong guess only fails the write, and the record that comes back decides.
 */
record FullWindows(boolean history, boolean keys) {

    static final FullWindows NONE = new FullWindows(false, false);
}
