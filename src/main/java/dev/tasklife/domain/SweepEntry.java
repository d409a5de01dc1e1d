package dev.tasklife.domain;

import java.time.Instant;

/**
 * What the sweep index holds of a task: enough to tell whether it is due, without its record. {@code since} is when
 * the task entered the index (for an UNREACHABLE task or a step, when it entered its phase); {@code phase} and
 * {@code version} are the record's as the index last saw it, so that a finding acts only on the task as found.
 */
public record SweepEntry(String taskId, Instant since, Phase phase, long version, boolean replaceOnFailure,
                         String replacedBy, Long inactiveAfterSeconds, Long expungeAfterSeconds) {
}
