package dev.tasklife.domain;

import java.util.Optional;

/**
 * Reads another task's record, consistently, when a decision about one task depends on it: a task back from
 * UNREACHABLE is decided with the records of the replacements that stand in for it ({@link Comebacks}).
 */
@FunctionalInterface
public interface TaskLookup {

    /** @throws Unreadable when the task's record is stored as this version cannot read it */
    Optional<TaskRecord> find(String taskId);

    /** Another task's record this version cannot read: the decision goes on without it. */
    final class Unreadable extends RuntimeException {

        public Unreadable(String taskId, Throwable cause) {
            super("task " + taskId + " cannot be read by this version", cause);
        }
    }
}
