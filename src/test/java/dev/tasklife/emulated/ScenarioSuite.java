package dev.tasklife.emulated;

import org.junit.jupiter.api.BeforeEach;

import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;

/**
 * A suite of scenarios against the emulator ({@link LifecycleStack}): an empty table before each scenario, since the
 * sparse indexes and the stream are table-wide. A suite that seeds one table for all its scenarios extends
 * {@link SeededScenarioSuite} instead.
 */
public abstract class ScenarioSuite {

    protected LifecycleStack stack;

    @BeforeEach
    void freshStack() {
        stack = LifecycleStack.fresh();
    }

    /** The task's record as the functions read it; fails when there is none. */
    protected TaskRecord task(String taskId) {
        return stack.tasks.find(taskId).orElseThrow();
    }

    /** The event delivered at the moment it is dated; its verdict. */
    protected Verdict apply(TaskEvent event) {
        return stack.apply(event).verdict();
    }
}
