package dev.tasklife.domain;

/** Why a STOPPED task stopped. */
public enum Outcome {
    FINISHED,
    FAILED,
    KILLED,
    ERROR,
    DROPPED,
    GONE,
    GONE_BY_OPERATOR,
    UNKNOWN,
    STOPPED_BY_REQUEST
}
