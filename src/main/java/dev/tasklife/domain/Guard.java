package dev.tasklife.domain;

import java.util.Set;

/**
 * What the record must look like for a {@link TaskChange} to be written: the condition of the conditional write.
 *
 * @param mayCreate the record may not exist yet (or hold no phase yet)
 * @param phases the phases the record may be in (the allowed predecessors of a move)
 * @param version the exact record version the change was decided on; null for a blind first attempt, which is
 *     then guarded by the event's source order (ECS version, agent timestamp) and its assumptions instead
 * @param assumptions what a blind attempt took for granted about the record
 */
public record Guard(boolean mayCreate, Set<Phase> phases, Long version, Set<Assumption> assumptions) {

    public Guard {
        phases = Set.copyOf(phases);
        assumptions = Set.copyOf(assumptions);
    }

    /** A guard for a change decided on the record as it is: that exact version, in one of these phases. */
    public static Guard informed(TaskRecord current, Set<Phase> phases) {
        return new Guard(current.lastStatus() == null, phases, current.version(), Set.of());
    }

    public boolean isBlind() {
        return version == null;
    }
}
