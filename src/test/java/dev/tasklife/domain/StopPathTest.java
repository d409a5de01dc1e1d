package dev.tasklife.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The stop path: the stop phases that apply to a task, in order, each an allowed move. */
class StopPathTest {

    private static final Set<Step> ALL = EnumSet.allOf(Step.class);

    @Test
    void aStopGoesToTheFirstStopPhaseThatAppliesToTheTask() {
        assertEquals(Phase.DEACTIVATING, StopPath.next(Phase.RUNNING, ALL, false), "undo registrations first");
        assertEquals(Phase.STOPPING, StopPath.next(Phase.RUNNING, Set.of(), false), "then the agent's kill");
        assertEquals(Phase.STOPPING, StopPath.next(Phase.PENDING, ALL, false), "nothing was registered yet");
        assertEquals(Phase.DEPROVISIONING, StopPath.next(Phase.PROVISIONING, ALL, false),
                "no agent ever ran it: only undo the provisioning");
        assertEquals(Phase.STOPPED, StopPath.next(Phase.PROVISIONING, Set.of(), false));
        assertEquals(Phase.DEPROVISIONING, StopPath.next(Phase.STOPPING, ALL, false));
        assertEquals(Phase.STOPPED, StopPath.next(Phase.DEPROVISIONING, ALL, false));
    }

    @Test
    void aTaskWhoseAgentIsGoneSkipsStoppingButNotItsUndoSteps() {
        assertEquals(Phase.DEACTIVATING, StopPath.next(Phase.RUNNING, ALL, true), "registrations are undone");
        assertEquals(Phase.DEACTIVATING, StopPath.next(Phase.UNREACHABLE, ALL, true));
        assertEquals(Phase.DEPROVISIONING, StopPath.next(Phase.DEACTIVATING, ALL, true), "nothing to kill");
        assertEquals(Phase.DEPROVISIONING, StopPath.next(Phase.PENDING, ALL, true));
        assertEquals(Phase.STOPPED, StopPath.next(Phase.RUNNING, Set.of(), true));
        assertEquals(Phase.STOPPED, StopPath.next(Phase.DEACTIVATING, EnumSet.of(Step.ACTIVATION,
                Step.DEACTIVATION), true));
    }

    @Test
    void everyStopPathMoveIsAnAllowedMove() {
        for (Phase from : EnumSet.complementOf(EnumSet.of(Phase.STOPPED))) {
            for (Set<Step> steps : List.of(Set.<Step>of(), ALL)) {
                for (boolean agentGone : List.of(false, true)) {
                    Phase to = StopPath.next(from, steps, agentGone);
                    assertTrue(TransitionTable.isAllowed(from, to), from + " -> " + to);
                }
            }
        }
    }
}
