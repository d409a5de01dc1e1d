package dev.tasklife.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(strings = {"8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77", "agent:4f6b8d0f-5b0e-11ef-9f3a-0242ac110006",
            "sweep:KILL_RETRY_DUE:4f6b8d0f-5b0e-11ef-9f3a-0242ac110006", "8F07A1D2-0C2E-4B4B-9F1A-0B9D3C1E5A77",
            "ecs:8", "agent-4f6b8d0f-5b0e-11ef-9f3a-0242ac110006", "é:4f6b8d0f-5b0e-11ef-9f3a-0242ac110006",
            "4f6b8d0f-5b0e-11ef-9f3a-0242ac11000", ""})
    void aMovesIdsAreReadBackAsTheyWereWhateverTheirShape(String id) {
        HistoryEntry entry = new HistoryEntry(Phase.RUNNING, id, id, Instant.parse("2026-11-26T13:15:52.652Z"));
        Map<String, AttributeValue> item = Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.HISTORY, AttributeValue.fromL(List.of(TaskItems.historyEntry(entry))));
        assertEquals(List.of(entry), TaskItems.toRecord(item).history());
    }

    @Test
    void aUuidIsKeptAsItsSixteenBytesAfterItsPrefixAndAnythingElseAsText() {
        assertEquals(16, TaskItems.compactId("8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77").b().asByteArray().length);
        assertEquals(22, TaskItems.compactId("agent:4f6b8d0f-5b0e-11ef-9f3a-0242ac110006").b().asByteArray().length);
        assertEquals("8F07A1D2-0C2E-4B4B-9F1A-0B9D3C1E5A77",
                TaskItems.compactId("8F07A1D2-0C2E-4B4B-9F1A-0B9D3C1E5A77").s(),
                "not canonical: it would not round-trip");
        assertEquals("agent-4f6b8d0f-5b0e-11ef-9f3a-0242ac110006",
                TaskItems.compactId("agent-4f6b8d0f-5b0e-11ef-9f3a-0242ac110006").s());
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
