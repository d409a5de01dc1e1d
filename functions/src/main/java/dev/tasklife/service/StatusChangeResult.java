package dev.tasklife.service;

import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Verdict;

/**
 * What the status-change function did with one event: returned to the caller and logged.
 *
 * @param from the phase before, for an applied move
 * @param to the phase the record is in afterwards (as far as this function knows)
 * @param version the record version afterwards, or -1 when no record exists
 */
public record StatusChangeResult(Verdict verdict, String taskId, String eventId, Phase from, Phase to, long version,
                                 String why) {
}
