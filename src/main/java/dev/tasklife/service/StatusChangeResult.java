package dev.tasklife.service;

import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Verdict;

/**
 * What the status-change function did with one event: returned to the caller, logged, and (for a rejection)
 * published under the same names. Each field means one thing whatever the verdict (docs/design.md, "The verdict
 * answer").
 *
 * @param phase the record's phase after the event, or null when the record has none (no record, or only a stop
 *     request)
 * @param move the move this event made, or null when it moved nothing
 * @param requested the phase a STALE or REJECTED event asked the task to enter, or null (it asked for none, or the
 *     verdict is another)
 * @param version the record version after the event, or -1 when no record exists
 * @param replacement the id of the replacement this event's write created, or null (it created none)
 */
public record StatusChangeResult(Verdict verdict, String taskId, String eventId, Phase phase, Move move,
                                 Phase requested, long version, String why, String replacement) {

    /** A move from one phase to another; {@code from} is null when the move created the task's first phase. */
    public record Move(Phase from, Phase to) {

        /** As logged: {@code PENDING->RUNNING}. */
        @Override
        public String toString() {
            return from + "->" + to;
        }
    }
}
