package dev.tasklife.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The stop path: the stop phases that apply to a task, in order, each an allowed move. */
class StopPathTest {

    @Test
    void aStopGoesToTheFirstStopPhaseThatAppliesToTheTask() {
        Set<Step> all = EnumSet.allOf(Step.class);
        assertEquals(Phase.DEACTIVATING, StopPath.next(Phase.RUNNING, all), "undo registrations first");
        assertEquals(Phase.STOPPING, StopPath.next(Phase.RUNNING, Set.of()), "then the agent's kill");
        assertEquals(Phase.STOPPING, StopPath.next(Phase.PENDING, all), "nothing was registered yet");
        assertEquals(Phase.DEPROVISIONING, StopPath.next(Phase.PROVISIONING, all),
                "no agent ever ran it: only undo the provisioning");
        assertEquals(Phase.STOPPED, StopPath.next(Phase.PROVISIONING, Set.of()));
        assertEquals(Phase.DEPROVISIONING, StopPath.next(Phase.STOPPING, all));
        assertEquals(Phase.STOPPED, StopPath.next(Phase.DEPROVISIONING, all));
    }

    @Test
    void everyStopPathMoveIsAnAllowedMove() {
        for (Phase from : EnumSet.complementOf(EnumSet.of(Phase.STOPPED))) {
            for (Set<Step> steps : List.of(Set.<Step>of(), EnumSet.allOf(Step.class))) {
                Phase to = StopPath.next(from, steps);
                assertTrue(TransitionTable.isAllowed(from, to), from + " -> " + to);
            }
        }
    }
}
