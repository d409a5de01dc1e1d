package dev.tasklife.domain;

/** What to do with an event, given the record as it is. */
public sealed interface Decision {

    /** Write this change (with a guard on the exact version the decision was made on). */
    record Write(TaskChange change) implements Decision {
    }

    /** Write nothing. */
    record Skip(Verdict verdict, String why) implements Decision {
    }
}
