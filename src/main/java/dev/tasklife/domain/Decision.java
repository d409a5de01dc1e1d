package dev.tasklife.domain;

/**
 * What to do with an event, given the record as it is. Where the event is not carried out (stale, rejected),
 * {@code requested} is the phase it asked the task to enter, or null when it asked for none.
 */
public sealed interface Decision {

    /** Write this change (with a guard on the exact version the decision was made on). */
    record Write(TaskChange change) implements Decision {
    }

    /** Write nothing: the event is a duplicate, stale, or changes nothing. Never a rejection. */
    record Skip(Verdict verdict, Phase requested, String why) implements Decision {

        /** A skip that leaves nothing asked for undone: a duplicate, or an event that agrees with the record. */
        public Skip(Verdict verdict, String why) {
            this(verdict, null, why);
        }
    }

    /**
     * The move is not allowed: nothing is written and the rejection is published. {@code killTask}: the event is
     * a live report from a task that is STOPPED for good (expunged, or simply stopped), so the task is running
     * unaccounted for and must be killed (lifecycle.md, "Returning tasks").
     */
    record Reject(Phase requested, String why, boolean killTask) implements Decision {
    }

    /**
     * The event may not touch this record at all (lifecycle.md, "Ownership"): a report from a kind of source the
     * task does not belong to. INVALID: nothing is written or published, as for input that cannot be read.
     */
    record Refuse(String why) implements Decision {
    }
}
