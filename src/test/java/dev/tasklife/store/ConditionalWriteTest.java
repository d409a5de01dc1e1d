package dev.tasklife.store;

import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.Decision;
import dev.tasklife.domain.KillSelection;
import dev.tasklife.domain.Lifecycle;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.TransitionTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

@ExtendWith(MockitoExtension.class)
class ConditionalWriteTest {

    private static final Lifecycle LIFECYCLE = Fixtures.LIFECYCLE;

    @Mock
    DynamoDbClient dynamo;

    private static final int KEPT = 10;

    /** The conditional write of a table named "tasks", its client a mock that captures requests. */
    private ConditionalWrite write() {
        TaskTable table = new TaskTable(dynamo, "tasks");
        return new ConditionalWrite(table, new TaskReads(table), Fixtures.INDEX_KEYS, KEPT);
    }

    private UpdateItemRequest captureWriteOf(TaskChange change) {
        return captureWriteOf(change, null);
    }

    private UpdateItemRequest captureWriteOf(TaskChange change, TaskRecord decidedOn) {
        when(dynamo.updateItem(any(UpdateItemRequest.class))).thenReturn(UpdateItemResponse.builder()
                .attributes(Map.of("taskId", AttributeValue.fromS(change.taskId()),
                        "lastStatus", AttributeValue.fromS("RUNNING"), "version", AttributeValue.fromN("1")))
                .build());
        write().apply(change, decidedOn);
        ArgumentCaptor<UpdateItemRequest> captor = ArgumentCaptor.forClass(UpdateItemRequest.class);
        verify(dynamo).updateItem(captor.capture());
        return captor.getValue();
    }

    /** The phases the condition's IN list names, read back through the value placeholders. */
    private static Set<String> phasesNamedInCondition(UpdateItemRequest request) {
        String condition = request.conditionExpression();
        String list = condition.substring(condition.indexOf("#lastStatus IN (") + "#lastStatus IN (".length());
        list = list.substring(0, list.indexOf(')'));
        return Set.of(list.split(", ")).stream().map(placeholder -> request.expressionAttributeValues()
                .get(placeholder).s()).collect(Collectors.toSet());
    }

    @Test
    void theBlindWriteConditionNamesExactlyTheAllowedPredecessors() {
        UpdateItemRequest request = captureWriteOf(LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4)));

        assertEquals(TransitionTable.predecessorsOf(Phase.RUNNING).stream().map(Phase::name)
                .collect(Collectors.toSet()), phasesNamedInCondition(request));
        assertTrue(request.conditionExpression().startsWith("(attribute_not_exists(#lastStatus) OR #lastStatus IN ("),
                "the first event of a task creates its record");
        assertTrue(request.conditionExpression().contains("(attribute_not_exists(#ecsVersion) OR #ecsVersion < :"),
                "a blind write is guarded by the ECS version order");
        String condition = request.conditionExpression();
        String keyPlaceholder = condition.substring(condition.indexOf("NOT contains(#k, ")
                + "NOT contains(#k, ".length(), condition.lastIndexOf(')'));
        assertEquals("ecs:4", request.expressionAttributeValues().get(keyPlaceholder).s(),
                "a redelivered event fails the condition");
        assertEquals(ReturnValuesOnConditionCheckFailure.ALL_OLD, request.returnValuesOnConditionCheckFailure());
        assertEquals(ReturnValue.ALL_NEW, request.returnValues());
    }

    @Test
    void theMoveItsHistoryEntryAndTheVersionBumpAreOneUpdate() {
        UpdateItemRequest request = captureWriteOf(LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4)));
        String update = request.updateExpression();
        assertTrue(update.contains("#version = if_not_exists(#version, :"), update);
        assertTrue(update.contains("#h = list_append(if_not_exists(#h, :"), update);
        assertTrue(update.contains("#lastStatus = :"), update);
        assertTrue(update.contains("#k = list_append(if_not_exists(#k, :"), update);
    }

    @Test
    void aBlindWriteHoldsOnlyWhileTheItemHasRoomForAnotherKeyAndIsInTheCompactLayout() {
        UpdateItemRequest request = captureWriteOf(LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4)));
        String condition = request.conditionExpression();
        String bound = condition.substring(condition.indexOf("size(#k) < ") + "size(#k) < ".length()).split("\\)")[0];
        assertEquals(Integer.toString(KEPT), request.expressionAttributeValues().get(bound).n(), condition);
        assertTrue(condition.contains("attribute_not_exists(#appliedKeys)"), condition);
    }

    @Test
    void aWriteDecidedOnAFullRecordKeepsTheNewestHalfAndCountsTheMovesDropped() {
        Fixtures.RecordBuilder full = record("t1", Phase.RUNNING, 20).agentTimestamp(Fixtures.T0.getEpochSecond() * 1_000_000L);
        for (int move = 1; move < KEPT; move++) {
            full.moved(move % 2 == 1 ? Phase.UNREACHABLE : Phase.RUNNING, "agent:" + move);
        }
        TaskRecord decidedOn = full.build();
        TaskChange change = ((Decision.Write) LIFECYCLE.decide(agent("t1", AgentState.UNREACHABLE, 1, "next"),
                decidedOn, Fixtures.NO_OTHER_TASKS)).change();
        UpdateItemRequest request = captureWriteOf(change, decidedOn);

        Map<String, AttributeValue> values = request.expressionAttributeValues();
        String update = request.updateExpression();
        List<AttributeValue> history = values.get(placeholderAfter(update, "#h = ")).l();
        List<String> keys = values.get(placeholderAfter(update, "#k = ")).l().stream().map(TaskItems::id)
                .toList();
        assertEquals(KEPT / 2 + 1, history.size(), update);
        assertEquals(List.of("agent:5", "agent:6", "agent:7", "agent:8", "agent:9", "agent:next"), keys);
        assertEquals("5", values.get(placeholderAfter(update, "#hn = ")).n(), "the first entry and 4 moves dropped");
        assertEquals(TaskItems.phaseCode(Phase.RUNNING), values.get(placeholderAfter(update, "#hp = ")).s(),
                "the phase move 4 entered");
        assertTrue(update.contains("#history") && update.contains("#appliedKeys"), "the former layout is removed");
    }

    @Test
    void aBlindWriteToATaskSeenFullRollsBothListsAndHoldsOnlyWhileTheyAreAtLeastHalfFull() {
        Fixtures.RecordBuilder full = flapped(20, KEPT - 1).applied("event:stop");
        when(dynamo.updateItem(any(UpdateItemRequest.class))).thenReturn(written(full));
        List<UpdateItemRequest> requests = blindFlaps(write(), 2);
        UpdateItemRequest appended = requests.get(0);
        UpdateItemRequest rolled = requests.get(1);

        assertTrue(appended.updateExpression().contains("#h = list_append("), "nothing seen yet: appended");
        String update = rolled.updateExpression();
        String condition = rolled.conditionExpression();
        assertTrue(update.contains("#h[" + KEPT + "] = :") && update.contains("#k[" + KEPT + "] = :"), update);
        assertTrue(update.endsWith("REMOVE #h[0], #k[0]") || update.contains("#h[0], #k[0]"), update);
        assertTrue(update.contains("#hp = #h[0].#p") && update.contains("#hn = if_not_exists(#hn, :"), update);
        assertFalse(update.contains("list_append"), update);
        for (String list : List.of("#h", "#k")) {
            String bound = condition.substring(condition.indexOf("size(" + list + ") >= ") + ("size(" + list
                    + ") >= ").length()).split("[ )]")[0];
            assertEquals(Integer.toString(KEPT / 2), rolled.expressionAttributeValues().get(bound).n(), condition);
        }
    }

    @Test
    void aTaskSeenFullStillRollsOnceAnotherProcessTrimmedItToTheNewestHalf() {
        Fixtures.RecordBuilder full = flapped(20, KEPT);
        Fixtures.RecordBuilder halved = flapped(21, KEPT / 2);
        when(dynamo.updateItem(any(UpdateItemRequest.class)))
                .thenReturn(written(full))
                .thenReturn(written(halved));
        List<UpdateItemRequest> requests = blindFlaps(write(), 3);

        assertTrue(requests.get(2).updateExpression().contains("#h[" + KEPT + "]"),
                "a list once full is never shorter than half: still rolled");
    }

    @Test
    void aTaskSeenWithLessThanHalfItsWindowAgainIsAppendedToAgain() {
        Fixtures.RecordBuilder full = flapped(20, KEPT);
        when(dynamo.updateItem(any(UpdateItemRequest.class)))
                .thenReturn(written(full))
                .thenThrow(ConditionalCheckFailedException.builder().item(RecordItems.item(
                        record("t1", Phase.RUNNING, 21).build())).build())
                .thenReturn(written(full));
        List<UpdateItemRequest> requests = blindFlaps(write(), 3);

        assertTrue(requests.get(1).updateExpression().contains("#h[" + KEPT + "]"), "seen full: rolled");
        assertTrue(requests.get(2).updateExpression().contains("#h = list_append("),
                "the record that came back was less than half full (an id new again): appended again");
    }

    @Test
    void aTaskSeenFullThatTurnsOutToHaveNoRecordIsAppendedToSoItsFirstWriteCanCreateIt() {
        Fixtures.RecordBuilder full = flapped(20, KEPT);
        when(dynamo.updateItem(any(UpdateItemRequest.class)))
                .thenReturn(written(full))
                .thenThrow(ConditionalCheckFailedException.builder().build())
                .thenReturn(written(record("t1", Phase.RUNNING, 1)));
        ConditionalWrite write = write();
        write.apply(LIFECYCLE.firstAttempt(agent("t1", AgentState.UNREACHABLE, 1, "u1")), null);
        assertNull(write.apply(LIFECYCLE.firstAttempt(agent("t1", AgentState.RUNNING, 2, "r2")), null).record());
        write.apply(LIFECYCLE.firstAttempt(agent("t1", AgentState.RUNNING, 2, "r2")), null);
        ArgumentCaptor<UpdateItemRequest> captor = ArgumentCaptor.forClass(UpdateItemRequest.class);
        verify(dynamo, org.mockito.Mockito.times(3)).updateItem(captor.capture());

        assertTrue(captor.getAllValues().get(1).conditionExpression().contains("(attribute_exists(#h) AND size(#h) >= "),
                "a stale guess of full holds only where the list is");
        assertTrue(captor.getAllValues().get(2).updateExpression().contains("#h = list_append("),
                "no record came back: appended, which creates it");
    }

    @Test
    void anAgentReportsKeyIsKeptCompactAndItsConditionRefusesItInEitherForm() {
        String key = "agent:4f6b8d0f-5b0e-11ef-9f3a-0242ac110006";
        UpdateItemRequest request = captureWriteOf(LIFECYCLE.firstAttempt(agent("t1", AgentState.RUNNING, 1,
                "4f6b8d0f-5b0e-11ef-9f3a-0242ac110006")));
        Map<String, AttributeValue> values = request.expressionAttributeValues();
        String update = request.updateExpression();
        assertEquals(TaskItems.compactId(key), values.get(placeholderAfter(update, "#agentKey = ")));
        java.util.regex.Matcher appended = java.util.regex.Pattern
                .compile("#k = list_append\\(if_not_exists\\(#k, :v\\d+\\), (:v\\d+)\\)").matcher(update);
        assertTrue(appended.find(), update);
        assertEquals(List.of(TaskItems.compactId(key)), values.get(appended.group(1)).l());
        String condition = request.conditionExpression();
        for (AttributeValue form : List.of(TaskItems.compactId(key), AttributeValue.fromS(key))) {
            List<String> placeholders = values.entrySet().stream().filter(entry -> entry.getValue().equals(form))
                    .map(Map.Entry::getKey).toList();
            assertTrue(placeholders.stream().anyMatch(placeholder -> condition.contains("NOT contains(#k, "
                    + placeholder + ")")), form + " in " + condition);
            assertTrue(placeholders.stream().anyMatch(placeholder -> condition.contains("#agentKey <> "
                    + placeholder)), form + " in " + condition);
        }
    }

    /** Task t1's record after {@code moves} agent flaps (UNREACHABLE, RUNNING, ...), keys agent:1 on. */
    private static Fixtures.RecordBuilder flapped(long version, int moves) {
        Fixtures.RecordBuilder record = record("t1", Phase.RUNNING, version);
        for (int move = 1; move <= moves; move++) {
            record.moved(move % 2 == 1 ? Phase.UNREACHABLE : Phase.RUNNING, "agent:" + move);
        }
        return record;
    }

    /** DynamoDB's answer to a write that held: the record after it. */
    private static UpdateItemResponse written(Fixtures.RecordBuilder after) {
        return UpdateItemResponse.builder().attributes(RecordItems.item(after.build())).build();
    }

    /** The requests of {@code reports} blind agent reports flapping task t1 through {@code write}, in order. */
    private List<UpdateItemRequest> blindFlaps(ConditionalWrite write, int reports) {
        for (int i = 1; i <= reports; i++) {
            write.apply(LIFECYCLE.firstAttempt(agent("t1", i % 2 == 1 ? AgentState.UNREACHABLE : AgentState.RUNNING,
                    i, "f" + i)), null);
        }
        ArgumentCaptor<UpdateItemRequest> captor = ArgumentCaptor.forClass(UpdateItemRequest.class);
        verify(dynamo, org.mockito.Mockito.times(reports)).updateItem(captor.capture());
        return captor.getAllValues();
    }

    private static String placeholderAfter(String expression, String prefix) {
        return expression.substring(expression.indexOf(prefix) + prefix.length()).split("[ ,]")[0];
    }

    @Test
    void aTaskGetsItsListShardOnceWithItsCluster() {
        UpdateItemRequest request = captureWriteOf(LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4)));
        String update = request.updateExpression();
        String placeholder = update.substring(update.indexOf("#clusterShard = if_not_exists(#clusterShard, ")
                + "#clusterShard = if_not_exists(#clusterShard, ".length()).split("\\)")[0];
        assertEquals(Fixtures.CLUSTER + "#" + Fixtures.LIST_SHARDS.shardOf("t1"),
                request.expressionAttributeValues().get(placeholder).s());
    }

    @Test
    void aTaskWithoutAClusterIsInNoList() {
        assertFalse(captureWriteOf(LIFECYCLE.firstAttempt(agent("t2", AgentState.RUNNING, 1, "u1")))
                .updateExpression().contains("#clusterShard"));
    }

    /** design.md, "Items older than the flag". */
    @Test
    void aBlindWriteWritesTheDecommissionedFlagOnlyWhereItIsKnownAndNeverLandsOnAnOlderItemWantedStopped() {
        UpdateItemRequest request = captureWriteOf(LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4)));
        String update = request.updateExpression();
        assertTrue(update.contains("#decommissioned = if_not_exists(#decommissioned, :"), update);
        assertEquals(false, request.expressionAttributeValues()
                .get(placeholderAfter(update, "#decommissioned = if_not_exists(#decommissioned, ")
                        .replace(")", "")).bool());
        String condition = request.conditionExpression();
        assertTrue(condition.contains("(attribute_exists(#decommissioned) OR attribute_not_exists(#desiredStatus)"
                + " OR #desiredStatus <> :"), condition);
    }

    @Test
    void aWriteDecidedOnAnItemOlderThanTheFlagCarriesItAsRead() {
        TaskRecord olderWantedStopped = TaskItems.toRecord(Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.LAST_STATUS, AttributeValue.fromS("STOPPING"),
                TaskItems.DESIRED_STATUS, AttributeValue.fromS("STOPPED"),
                TaskItems.VERSION, AttributeValue.fromN("7"))); // no decommissioned: written before the flag existed
        TaskChange change = ((Decision.Write) LIFECYCLE.decide(agent("t1", AgentState.FAILED, 9, "f1"),
                olderWantedStopped, Fixtures.NO_OTHER_TASKS)).change();
        UpdateItemRequest request = captureWriteOf(change, olderWantedStopped);
        String update = request.updateExpression();
        assertEquals(true, request.expressionAttributeValues().get(placeholderAfter(update, "#decommissioned = "))
                .bool(), update);
    }

    @Test
    void anOutcomeReasonThatIsTheStopReasonIsStoredOnceAndABlindWriteRequiresTheItemToHoldThatReason() {
        TaskChange stopped = LIFECYCLE.firstAttempt(ecs("t1", Phase.STOPPED, 8));
        assertEquals(stopped.stopReason(), stopped.outcomeReason(), "ECS's stoppedReason is the outcome's reason");
        UpdateItemRequest request = captureWriteOf(stopped);

        String update = request.updateExpression();
        assertTrue(update.contains("#rs = "), update);
        assertFalse(update.contains("#outcomeReason = "), "not stored twice: " + update);
        String condition = request.conditionExpression();
        assertTrue(condition.contains("(attribute_not_exists(#stopReason) OR #stopReason = :"), condition);
        Map<String, AttributeValue> item = new HashMap<>(Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.LAST_STATUS, AttributeValue.fromS("STOPPED"), TaskItems.VERSION, AttributeValue.fromN("1"),
                TaskItems.STOP_REASON, AttributeValue.fromS(stopped.stopReason()),
                TaskItems.OUTCOME_REASON_IS_STOP_REASON, AttributeValue.fromBool(true)));
        assertEquals(stopped.stopReason(), TaskItems.toRecord(item).outcomeReason(), "read back from the stop reason");
    }

    @Test
    void aWriteDecidedOnARecordWithAnotherStopReasonStoresTheOutcomeReasonItself() {
        TaskRecord stopping = TaskItems.toRecord(Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.LAST_STATUS, AttributeValue.fromS("STOPPING"),
                TaskItems.DESIRED_STATUS, AttributeValue.fromS("STOPPED"),
                TaskItems.TASK_ARN, AttributeValue.fromS(Fixtures.taskArn("t1")),
                TaskItems.ECS_VERSION, AttributeValue.fromN("6"),
                TaskItems.STOP_REASON, AttributeValue.fromS("Scaling activity initiated by deployment"),
                TaskItems.DECOMMISSIONED, AttributeValue.fromBool(false),
                TaskItems.VERSION, AttributeValue.fromN("6")));
        TaskChange change = ((Decision.Write) LIFECYCLE.decide(ecs("t1", Phase.STOPPED, 8), stopping,
                Fixtures.NO_OTHER_TASKS)).change();
        UpdateItemRequest request = captureWriteOf(change, stopping);

        String update = request.updateExpression();
        assertTrue(update.contains("#outcomeReason = "), update);
        assertEquals("Essential container in task exited", request.expressionAttributeValues()
                .get(placeholderAfter(update, "#outcomeReason = ")).s());
        assertTrue(update.contains("REMOVE") && update.contains("#rs"), update);
    }

    @Test
    void anOutcomeKeptKeepsItsReasonWhateverTheWriteThatKeepsItCarries() {
        // A launch overdue (its reason the stop reason, kept once) that then went UNREACHABLE and expired.
        TaskRecord overdue = TaskItems.toRecord(Map.of(TaskItems.TASK_ID, AttributeValue.fromS("t1"),
                TaskItems.LAST_STATUS, AttributeValue.fromS("UNREACHABLE"),
                TaskItems.DESIRED_STATUS, AttributeValue.fromS("STOPPED"),
                TaskItems.OUTCOME, AttributeValue.fromS("FAILED"),
                TaskItems.STOP_REASON, AttributeValue.fromS("launch overdue"),
                TaskItems.OUTCOME_REASON_IS_STOP_REASON, AttributeValue.fromBool(true),
                TaskItems.AGENT_TIMESTAMP, AttributeValue.fromN("1"),
                TaskItems.DECOMMISSIONED, AttributeValue.fromBool(true),
                TaskItems.VERSION, AttributeValue.fromN("5")));
        TaskChange expired = ((Decision.Write) LIFECYCLE.decide(new TaskEvent.SweepFinding(Fixtures.T0.plusSeconds(
                3600), "t1", TaskEvent.SweepFinding.Finding.UNREACHABLE_EXPIRED, Phase.UNREACHABLE, 5), overdue,
                Fixtures.NO_OTHER_TASKS)).change();
        assertTrue(expired.keepOutcome());

        String update = captureWriteOf(expired, overdue).updateExpression();

        assertFalse(update.contains("#outcomeReason = ") || update.contains("#rs = "), update);
    }

    @Test
    void aBlindWriteThatKeepsAnOutcomeHoldsOnlyWhereThereIsNoneYet() {
        TaskChange finished = LIFECYCLE.firstAttempt(agent("t1", AgentState.FINISHED, 9, "f"));
        assertTrue(finished.keepOutcome(), "an outcome decided before stays: the agent's end follows from it");
        assertTrue(captureWriteOf(finished).conditionExpression().contains("attribute_not_exists(#outcome)"));
    }

    @Test
    void anInformedWriteIsGuardedByTheExactVersion() {
        TaskEvent event = ecs("t1", Phase.RUNNING, 4);
        TaskRecord current = record("t1", Phase.PENDING, 7).ecsVersion(2).build();
        TaskChange change = ((Decision.Write) LIFECYCLE.decide(event, current, Fixtures.NO_OTHER_TASKS)).change();
        UpdateItemRequest request = captureWriteOf(change, current);
        String condition = request.conditionExpression();
        String versionPlaceholder = condition.substring(condition.indexOf("#version = ") + "#version = ".length())
                .split(" ")[0];
        assertEquals("7", request.expressionAttributeValues().get(versionPlaceholder).n());
        assertFalse(condition.contains("attribute_not_exists(#lastStatus)"));
        assertEquals(TransitionTable.predecessorsOf(Phase.RUNNING).stream().map(Phase::name)
                .collect(Collectors.toSet()), phasesNamedInCondition(request));
    }

    @Test
    void eventTextReachesTheRequestOnlyAsAttributeValues() {
        TaskEvent.AgentStatusUpdate hostile = new TaskEvent.AgentStatusUpdate("e) OR (1=1", Fixtures.T0,
                "t1", AgentState.FAILED, "#lastStatus = :v0", "SET lastStatus = RUNNING", "agent", 1L,
                "u) OR attribute_exists(#x");
        UpdateItemRequest request = captureWriteOf(LIFECYCLE.firstAttempt(hostile));
        for (String text : new String[] {"OR (1=1", "SET lastStatus", "attribute_exists(#x"}) {
            assertFalse(request.conditionExpression().contains(text));
            assertFalse(request.updateExpression().contains(text));
        }
        assertTrue(request.expressionAttributeValues().values().stream()
                .anyMatch(value -> "agent:u) OR attribute_exists(#x".equals(value.s())));
    }

    @Test
    void aBlindAgentWriteStatesTheStepItAssumedAbsent() {
        UpdateItemRequest request = captureWriteOf(
                LIFECYCLE.firstAttempt(agent("t1", AgentState.RUNNING, 1, "u1")));
        assertTrue(request.conditionExpression().contains("NOT contains(#steps, :"), request.conditionExpression());
        assertTrue(request.conditionExpression().contains("(attribute_not_exists(#agentTimestamp) OR #agentTimestamp <= :"));
    }

    @Test
    void aFailedConditionReturnsTheRecordAsItWas() {
        when(dynamo.updateItem(any(UpdateItemRequest.class))).thenThrow(ConditionalCheckFailedException.builder()
                .message("The conditional request failed")
                .item(Map.of("taskId", AttributeValue.fromS("t1"), "lastStatus", AttributeValue.fromS("STOPPED"),
                        "version", AttributeValue.fromN("9")))
                .build());
        WriteResult result = write()
                .apply(LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4)), null);
        assertFalse(result.written());
        assertEquals(Phase.STOPPED, result.record().lastStatus());
        assertEquals(9, result.record().version());
    }

    @Test
    void aFailedConditionOnNoRecordReturnsNoRecord() {
        when(dynamo.updateItem(any(UpdateItemRequest.class))).thenThrow(ConditionalCheckFailedException.builder()
                .message("The conditional request failed").build());
        WriteResult result = write()
                .apply(LIFECYCLE.firstAttempt(ecs("t1", Phase.RUNNING, 4)), null);
        assertFalse(result.written());
        assertNull(result.record());
    }

    /** A service task back from UNREACHABLE, with its live replacement r1 (version 7) and killSelection given. */
    private static TaskChange comeback(KillSelection selection, TaskRecord replacement) {
        TaskRecord returned = record("t1", Phase.UNREACHABLE, 5).service("webapp").killSelection(selection)
                .replacedBy(replacement.taskId()).build();
        return ((Decision.Write) LIFECYCLE.decide(agent("t1", AgentState.RUNNING, 30, "back"), returned,
                id -> Optional.of(replacement))).change();
    }

    private TransactWriteItemsRequest captureTransactionOf(TaskChange change) {
        ArgumentCaptor<TransactWriteItemsRequest> captor = ArgumentCaptor.forClass(TransactWriteItemsRequest.class);
        write().apply(change,
                record("t1", Phase.UNREACHABLE, 5).build());
        verify(dynamo).transactWriteItems(captor.capture());
        return captor.getValue();
    }

    @Test
    void aComebackThatStopsItsReplacementWritesBothRecordsInOneTransactionEachGuardedByItsVersion() {
        TaskRecord replacement = record("r1", Phase.RUNNING, 7).service("webapp").build();
        TransactWriteItemsRequest request = captureTransactionOf(comeback(null, replacement));

        assertEquals(2, request.transactItems().size());
        Update returned = request.transactItems().get(0).update();
        assertTrue(returned.updateExpression().contains("REMOVE") && returned.updateExpression().contains("#replacedBy"),
                "the link is released: " + returned.updateExpression());
        assertEquals("r1", valueOf(returned, "#releasedReplacement"));
        Update stop = request.transactItems().get(1).update();
        assertEquals("r1", stop.key().get("taskId").s());
        assertEquals("STOPPED", valueOf(stop, "#desiredStatus"));
        assertEquals("t1", valueOf(stop, "#surplusKept"));
        assertTrue(stop.conditionExpression().contains("#version = "), stop.conditionExpression());
    }

    @Test
    void withOldestFirstTheReplacementKeptIsWrittenInTheSameTransactionGuardedByItsVersion() {
        TaskRecord replacement = record("r1", Phase.RUNNING, 7).service("webapp").build();
        TransactWriteItemsRequest request = captureTransactionOf(comeback(KillSelection.OLDEST_FIRST, replacement));

        Update kept = request.transactItems().get(1).update();
        assertEquals("r1", kept.key().get("taskId").s());
        assertEquals("t1", valueOf(kept, "#surplusStopped"));
        assertTrue(kept.conditionExpression().contains("#version = "), kept.conditionExpression());
        assertTrue(kept.expressionAttributeValues().containsValue(AttributeValue.fromN("7")));
    }

    @Test
    void aReplacementChangedSinceItWasReadMeansDecidingAgainOnTheSameRecord() {
        TaskRecord replacement = record("r1", Phase.RUNNING, 7).service("webapp").build();
        TaskRecord decidedOn = record("t1", Phase.UNREACHABLE, 5).build();
        when(dynamo.transactWriteItems(any(TransactWriteItemsRequest.class))).thenThrow(TransactionCanceledException
                .builder().cancellationReasons(CancellationReason.builder().code("None").build(),
                        CancellationReason.builder().code("ConditionalCheckFailed").build()).build());

        WriteResult result = write().apply(comeback(null, replacement), decidedOn);

        assertFalse(result.written());
        assertFalse(result.replacementIdTaken());
        assertEquals(decidedOn, result.record());
    }

    /** The value an update sets {@code name} to, read back through its placeholders. */
    private static String valueOf(Update update, String name) {
        String expression = update.updateExpression();
        int at = expression.indexOf(name + " = ");
        String placeholder = expression.substring(at + name.length() + 3).split("[ ,]")[0];
        return update.expressionAttributeValues().get(placeholder).s();
    }
}
