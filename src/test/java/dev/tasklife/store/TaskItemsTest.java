package dev.tasklife.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.core.SdkBytes;
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
            "4f6b8d0f-5b0e-11ef-9f3a-0242ac11000", "", "event:8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77",
            "agent-report:8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77", "x:8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77",
            "\u0001:8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77", "\u0001" + "8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77"})
    void aMovesIdsAreReadBackAsTheyWereWhateverTheirShape(String id) {
        HistoryEntry entry = new HistoryEntry(Phase.RUNNING, id, id, Instant.parse("2026-11-26T13:15:52.652Z"));
        Map<String, AttributeValue> item = Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.HISTORY, AttributeValue.fromL(List.of(TaskItems.historyEntry(entry))));
        assertEquals(List.of(entry), TaskItems.toRecord(item).history());
    }

    @Test
    void aUuidIsKeptAsItsSixteenBytesAfterItsPrefixAndAnythingElseAsText() {
        assertEquals(16, TaskItems.compactId("8f07a1d2-0c2e-4b4b-9f1a-0b9d3c1e5a77").b().asByteArray().length);
        for (String prefix : List.of("agent:", "event:", "agent-report:")) {
            assertEquals(17, TaskItems.compactId(prefix + "4f6b8d0f-5b0e-11ef-9f3a-0242ac110006").b().asByteArray()
                    .length, prefix + " is one byte");
        }
        assertEquals(18, TaskItems.compactId("x:4f6b8d0f-5b0e-11ef-9f3a-0242ac110006").b().asByteArray().length);
        assertEquals("8F07A1D2-0C2E-4B4B-9F1A-0B9D3C1E5A77",
                TaskItems.compactId("8F07A1D2-0C2E-4B4B-9F1A-0B9D3C1E5A77").s(),
                "not canonical: it would not round-trip");
        assertEquals("agent-4f6b8d0f-5b0e-11ef-9f3a-0242ac110006",
                TaskItems.compactId("agent-4f6b8d0f-5b0e-11ef-9f3a-0242ac110006").s());
    }

    @Test
    void keysKeptAsTextOrWithTheirPrefixSpelledOutAsTheVersionsBeforeDidAreReadAsTheSameKeys() {
        String uuid = "4f6b8d0f-5b0e-11ef-9f3a-0242ac110006";
        AttributeValue spelledOut = AttributeValue.fromB(SdkBytes.fromByteArray(ByteBuffer.allocate(22)
                .put("agent:".getBytes(StandardCharsets.US_ASCII)).putLong(UUID.fromString(uuid)
                        .getMostSignificantBits()).putLong(UUID.fromString(uuid).getLeastSignificantBits()).array()));
        TaskRecord record = TaskItems.toRecord(Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.APPLIED_KEYS, AttributeValue.fromL(List.of(AttributeValue.fromS("agent:" + uuid),
                        spelledOut, TaskItems.compactId("event:" + uuid), AttributeValue.fromS("ecs:3"))),
                TaskItems.AGENT_KEY, TaskItems.compactId("agent:" + uuid)));
        assertEquals(List.of("agent:" + uuid, "event:" + uuid, "ecs:3"), List.copyOf(record.appliedKeys()));
        assertEquals("agent:" + uuid, record.agentKey());
        assertEquals("agent:" + uuid, TaskItems.toRecord(Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.AGENT_KEY, AttributeValue.fromS("agent:" + uuid))).agentKey(), "as the version before kept it");
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
