package dev.tasklife.domain;

import java.util.Optional;

/**
 * Reads another task's record, consistently, when a decision about one task depends on it: a task back from
 * UNREACHABLE is decided with the records of the replacements that stand in for it ({@link Comebacks}).
 */
@FunctionalInterface
public interface TaskLookup {

    Optional<TaskRecord> find(String taskId);
}
