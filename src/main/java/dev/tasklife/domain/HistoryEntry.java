package dev.tasklife.domain;

import java.time.Instant;

/**
 * One accepted move, appended in the same conditional write that made it. The phase it left is the previous
 * entry's {@code to} (see {@link TaskRecord#transitions()}): a blind write cannot know it, the chain always does.
 *
 * @param to the phase entered
 * @param cause the id of the event that caused the move
 * @param dedupeKey that event's dedupe key, so a redelivery can be matched to its move
 * @param at when the move was written
 */
public record HistoryEntry(Phase to, String cause, String dedupeKey, Instant at) {
}
