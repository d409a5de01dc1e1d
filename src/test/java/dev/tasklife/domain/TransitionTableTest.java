package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.ACTIVATING;
import static dev.tasklife.domain.Phase.DEACTIVATING;
import static dev.tasklife.domain.Phase.DEPROVISIONING;
import static dev.tasklife.domain.Phase.PENDING;
import static dev.tasklife.domain.Phase.RUNNING;
import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.STOPPING;
import static dev.tasklife.domain.Phase.UNREACHABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every (from, to) pair of phases against lifecycle.md's "Allowed moves", written out as the spec words them. */
class TransitionTableTest {

    private static final Set<Phase> MAY_BECOME_UNREACHABLE = Set.of(RUNNING, PENDING, ACTIVATING, STOPPING);
    private static final Set<Phase> STOP_PHASES = Set.of(DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED);

    static List<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (Phase from : Phase.values()) {
            for (Phase to : Phase.values()) {
                pairs.add(Arguments.of(from, to, allowedBySpec(from, to)));
            }
        }
        return pairs;
    }

    private static boolean allowedBySpec(Phase from, Phase to) {
        if (from == STOPPED) {
            return false; // STOPPED is final
        }
        if (to == UNREACHABLE) {
            return MAY_BECOME_UNREACHABLE.contains(from);
        }
        if (from == UNREACHABLE) {
            return to == RUNNING || STOP_PHASES.contains(to);
        }
        return Phase.LIFECYCLE_ORDER.indexOf(from) < Phase.LIFECYCLE_ORDER.indexOf(to); // forward, skipping allowed
    }

    @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
    @MethodSource("everyPair")
    void moveIsAllowedExactlyWhenTheSpecSaysSo(Phase from, Phase to, boolean allowed) {
        assertEquals(allowed, TransitionTable.isAllowed(from, to));
        assertEquals(allowed, TransitionTable.predecessorsOf(to).contains(from));
    }
}
