package dev.tasklife.store;

import dev.tasklife.domain.TaskRecord;

/**
 * What a conditional write did: the record after it, or, when its condition failed, the record as it was.
 * {@code replacementIdTaken}: the change held, but the id chosen for its replacement is already a task's; nothing
 * was written, and the change is to be decided again with another id.
 */
public record WriteResult(boolean written, TaskRecord record, boolean replacementIdTaken) {

    static WriteResult written(TaskRecord after) {
        return new WriteResult(true, after, false);
    }

    static WriteResult notWritten(TaskRecord current) {
        return new WriteResult(false, current, false);
    }
}
