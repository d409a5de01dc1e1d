package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.ACTIVATING;
import static dev.tasklife.domain.Phase.DEACTIVATING;
import static dev.tasklife.domain.Phase.DEPROVISIONING;
import static dev.tasklife.domain.Phase.PENDING;
import static dev.tasklife.domain.Phase.PROVISIONING;
import static dev.tasklife.domain.Phase.RUNNING;
import static dev.tasklife.domain.Phase.STOPPED;
import static dev.tasklife.domain.Phase.STOPPING;
import static dev.tasklife.domain.Phase.UNREACHABLE;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The allowed moves of lifecycle.md, as data: for each target phase, the phases a task may be in to move there.
 * Forward moves (skipping allowed), the UNREACHABLE detours, and nothing out of STOPPED.
 * The conditional write ({@code store.WriteExpressions}) puts exactly these predecessors into its condition expression.
 */
public final class TransitionTable {

    private static final Map<Phase, Set<Phase>> PREDECESSORS = new EnumMap<>(Phase.class);

    static {
        //    target          allowed predecessors
        allow(PROVISIONING /* only as the first phase of a new task */);
        allow(PENDING,        PROVISIONING);
        allow(ACTIVATING,     PROVISIONING, PENDING);
        allow(RUNNING,        PROVISIONING, PENDING, ACTIVATING, UNREACHABLE);
        allow(DEACTIVATING,   PROVISIONING, PENDING, ACTIVATING, RUNNING, UNREACHABLE);
        allow(STOPPING,       PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, UNREACHABLE);
        allow(DEPROVISIONING, PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, UNREACHABLE);
        allow(STOPPED,        PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING,
                              UNREACHABLE);
        allow(UNREACHABLE,    PENDING, ACTIVATING, RUNNING, STOPPING);
    }

    private TransitionTable() {
    }

    private static void allow(Phase target, Phase... predecessors) {
        Set<Phase> from = EnumSet.noneOf(Phase.class);
        Collections.addAll(from, predecessors);
        PREDECESSORS.put(target, Collections.unmodifiableSet(from));
    }

    /** The phases from which {@code target} may be entered. */
    public static Set<Phase> predecessorsOf(Phase target) {
        return PREDECESSORS.get(target);
    }

    public static boolean isAllowed(Phase from, Phase to) {
        return PREDECESSORS.get(to).contains(from);
    }
}
