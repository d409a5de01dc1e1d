package dev.tasklife.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Phase;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class TaskItemsTest {

    @ParameterizedTest
    @EnumSource(Phase.class)
    void everyPhaseIsWrittenInAHistoryEntryAndReadBack(Phase phase) {
        HistoryEntry entry = new HistoryEntry(phase, "e1", "ecs:1", Instant.parse("2026-11-26T13:15:52.652Z"));
        Map<String, AttributeValue> item = Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.HISTORY, AttributeValue.fromL(List.of(TaskItems.historyEntry(entry))));
        assertEquals(List.of(entry), TaskItems.toRecord(item).history());
    }

    @Test
    void anItemAFormerWriterAppendedToDuringADeploymentKeepsItsMovesInTheOrderTheyWereMade() {
        HistoryEntry first = new HistoryEntry(Phase.PENDING, "e1", "ecs:1", Instant.parse("2026-11-26T13:00:00Z"));
        HistoryEntry second = new HistoryEntry(Phase.RUNNING, "e2", "ecs:2", Instant.parse("2026-11-26T13:00:05Z"));
        // The current layout wrote the first move; a writer still on the former layout appended the second.
        Map<String, AttributeValue> former = Map.of("to", AttributeValue.fromS("RUNNING"),
                "cause", AttributeValue.fromS("e2"), "key", AttributeValue.fromS("ecs:2"),
                "at", AttributeValue.fromS("2026-11-26T13:00:05Z"));
        Map<String, AttributeValue> item = Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.HISTORY, AttributeValue.fromL(List.of(TaskItems.historyEntry(first))),
                TaskItems.FORMER_HISTORY, AttributeValue.fromL(List.of(AttributeValue.fromM(former))));
        assertEquals(List.of(first, second), TaskItems.toRecord(item).history());
    }

    /** Written before the flag existed, when a task wanted STOPPED was never replaced. */
    @ParameterizedTest
    @EnumSource(DesiredStatus.class)
    void anItemWithoutTheDecommissionedFlagIsDecommissionedWhenWantedStopped(DesiredStatus desired) {
        Map<String, AttributeValue> item = Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.DESIRED_STATUS, AttributeValue.fromS(desired.name()));
        assertEquals(desired == DesiredStatus.STOPPED, TaskItems.toRecord(item).decommissioned());
    }

    @Test
    void theFlagOnceWrittenIsReadAsItIs() {
        Map<String, AttributeValue> failedStep = Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.DESIRED_STATUS, AttributeValue.fromS("STOPPED"),
                TaskItems.DECOMMISSIONED, AttributeValue.fromBool(false));
        assertFalse(TaskItems.toRecord(failedStep).decommissioned());
    }
}
