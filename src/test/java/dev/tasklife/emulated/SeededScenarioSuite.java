package dev.tasklife.emulated;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A suite whose scenarios share one table, seeded once ({@code @BeforeAll} in the suite, after this one's). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SeededScenarioSuite extends ScenarioSuite {

    @BeforeAll
    void oneTableForTheSuite() {
        stack = LifecycleStack.fresh();
    }

    /** The table is the suite's: not emptied before each scenario. */
    @Override
    void freshStack() {
    }
}
