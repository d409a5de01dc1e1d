package dev.tasklife.domain;

/** What became of one status-change event. */
public enum Verdict {
    /** The task moved to a new phase. */
    APPLIED,
    /** Fields changed (desired status, agent state, launch settings) without a phase move. */
    UPDATED,
    /** This very event was applied before: success, nothing changes. */
    DUPLICATE,
    /** The record already holds a newer report from the same source: dropped. */
    STALE,
    /** The event agrees with the record as it is: success, nothing changes. */
    UNCHANGED,
    /** The move is not allowed: nothing written, the rejection published. */
    REJECTED,
    /** The input could not be read: nothing written. */
    INVALID
}
