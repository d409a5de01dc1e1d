package dev.tasklife.domain;

import java.time.Instant;

/** A history entry with the phase it left; {@code from} is null for the move that created the record. */
public record Transition(Phase from, Phase to, String cause, Instant at) {
}
