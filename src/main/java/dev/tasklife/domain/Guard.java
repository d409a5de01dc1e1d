package dev.tasklife.domain;

import java.util.Set;

/**
 * What the record must look like for a {@link TaskChange} to be written: the condition of the conditional write.
 *
 * @param mayCreate the record may not exist yet (or hold no phase yet)
 * @param phases the phases the record may be in (the allowed predecessors of a move)
 * @param version the exact record version the change was decided on; null for a blind first attempt, which is
 *     then guarded by the event's source order (ECS version, agent timestamp) instead
 * @param stepAbsent a launch step the blind attempt assumed the task does not have, or null
 */
public record Guard(boolean mayCreate, Set<Phase> phases, Long version, Step stepAbsent) {

    public Guard {
        phases = Set.copyOf(phases);
    }

    public boolean isBlind() {
        return version == null;
    }
}
