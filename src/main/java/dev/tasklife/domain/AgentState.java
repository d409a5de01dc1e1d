package dev.tasklife.domain;

import java.util.Optional;
import java.util.Set;

/** Mesos/Marathon agent-level task states (the TASK_ prefix dropped), and how each one lands on the record. */
public enum AgentState {
    STAGING(null),
    STARTING(null),
    RUNNING(null),
    KILLING(null),
    UNREACHABLE(null),
    ERROR(Outcome.ERROR),
    FAILED(Outcome.FAILED),
    DROPPED(Outcome.DROPPED),
    GONE(Outcome.GONE),
    GONE_BY_OPERATOR(Outcome.GONE_BY_OPERATOR),
    FINISHED(Outcome.FINISHED),
    UNKNOWN(Outcome.UNKNOWN),
    KILLED(Outcome.KILLED);

    /*
     * TASK_LOST is deprecated and is read by its reason, exactly as Marathon does in
     * mesosphere/marathon src/main/scala/mesosphere/marathon/core/task/state/TaskConditionMapping.scala:
     * a reconciliation hides the original reason, so it and the agent-disconnected/removed reasons mean the task
     * might come back (Unreachable); REASON_TASK_UNKNOWN is Unknown; every other reason is Gone.
     * The newer AGENT_ spellings of the SLAVE_ reasons are the same reasons.
     */
    private static final Set<String> LOST_BUT_MAY_COME_BACK = Set.of(
            "REASON_RECONCILIATION",
            "REASON_SLAVE_DISCONNECTED", "REASON_AGENT_DISCONNECTED",
            "REASON_SLAVE_REMOVED", "REASON_AGENT_REMOVED");
    private static final String LOST_AS_UNKNOWN = "REASON_TASK_UNKNOWN";

    private final Outcome terminalOutcome;

    AgentState(Outcome terminalOutcome) {
        this.terminalOutcome = terminalOutcome;
    }

    /** A state in which the task is, or is about to be, running on its agent. */
    public boolean isLive() {
        return this == STAGING || this == STARTING || this == RUNNING;
    }

    public boolean isTerminal() {
        return terminalOutcome != null;
    }

    /** The outcome a terminal state leaves on the record; empty for a non-terminal state. */
    public Optional<Outcome> outcome() {
        return Optional.ofNullable(terminalOutcome);
    }

    /**
     * Reads an agent's {@code TASK_*} state; {@code reason} matters only for TASK_LOST.
     *
     * @throws IllegalArgumentException for a state Mesos does not define
     */
    public static AgentState fromMesos(String state, String reason) {
        if ("TASK_LOST".equals(state)) {
            if (reason != null && LOST_BUT_MAY_COME_BACK.contains(reason)) {
                return UNREACHABLE;
            }
            return LOST_AS_UNKNOWN.equals(reason) ? UNKNOWN : GONE;
        }
        if (state != null && state.startsWith("TASK_")) {
            String name = state.substring("TASK_".length());
            for (AgentState candidate : values()) {
                if (candidate.name().equals(name)) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("unknown agent state '" + state + "'");
    }
}
