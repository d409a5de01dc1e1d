package dev.tasklife.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentStateTest {

    @ParameterizedTest(name = "TASK_LOST with {0} is {1}")
    @CsvSource({
            "REASON_RECONCILIATION, UNREACHABLE",
            "REASON_SLAVE_DISCONNECTED, UNREACHABLE",
            "REASON_AGENT_DISCONNECTED, UNREACHABLE",
            "REASON_SLAVE_REMOVED, UNREACHABLE",
            "REASON_AGENT_REMOVED, UNREACHABLE",
            "REASON_TASK_UNKNOWN, UNKNOWN",
            "REASON_EXECUTOR_TERMINATED, GONE",
            "REASON_CONTAINER_LAUNCH_FAILED, GONE",
            "REASON_INVALID_OFFERS, GONE",
    })
    void lostIsMappedByItsReasonAsMarathonDoes(String reason, AgentState expected) {
        assertEquals(expected, AgentState.fromMesos("TASK_LOST", reason));
    }

    @Test
    void lostWithoutReasonIsGone() {
        assertEquals(AgentState.GONE, AgentState.fromMesos("TASK_LOST", null));
    }

    @ParameterizedTest
    @CsvSource({"TASK_STAGING, STAGING", "TASK_STARTING, STARTING", "TASK_RUNNING, RUNNING", "TASK_KILLING, KILLING",
            "TASK_UNREACHABLE, UNREACHABLE", "TASK_ERROR, ERROR", "TASK_FAILED, FAILED", "TASK_DROPPED, DROPPED",
            "TASK_GONE, GONE", "TASK_GONE_BY_OPERATOR, GONE_BY_OPERATOR", "TASK_FINISHED, FINISHED",
            "TASK_UNKNOWN, UNKNOWN", "TASK_KILLED, KILLED"})
    void everyMesosStateIsRead(String mesos, AgentState expected) {
        assertEquals(expected, AgentState.fromMesos(mesos, "REASON_RECONCILIATION"));
    }

    @Test
    void terminalStatesCarryTheirOutcomeAndOthersNone() {
        assertEquals(Optional.of(Outcome.GONE_BY_OPERATOR), AgentState.GONE_BY_OPERATOR.outcome());
        assertTrue(AgentState.KILLED.isTerminal());
        assertFalse(AgentState.UNREACHABLE.isTerminal());
        assertEquals(Optional.empty(), AgentState.KILLING.outcome());
    }

    @ParameterizedTest
    @CsvSource({"RUNNING", "TASK_SLEEPING", "task_running", "TASK_"})
    void unknownStatesAreRefused(String state) {
        assertThrows(IllegalArgumentException.class, () -> AgentState.fromMesos(state, null));
    }
}
