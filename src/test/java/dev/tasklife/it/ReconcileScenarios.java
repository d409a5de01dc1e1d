package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.ecs.EcsTasks;
import dev.tasklife.emulated.LifecycleStack;
import dev.tasklife.emulator.FaultProxy;
import dev.tasklife.input.EventParser;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.service.IndexBackfill;
import dev.tasklife.service.ReconcileReport;
import dev.tasklife.service.Reconciler;
import dev.tasklife.service.SweepReport;
import dev.tasklife.store.BackfillCandidate;
import dev.tasklife.emulated.ScenarioSuite;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * lifecycle.md, "Reconciliation": events get lost upstream; live tasks not heard from for a while are compared with
 * their source of truth. The ECS tasks run in moto's ECS (EC2 launch type on a registered container instance); its
 * DescribeTasks answers are completed as ECS gives them (a version per state, MISSING for a task it does not know),
 * which moto leaves out.
 */
abstract class ReconcileScenarios extends ScenarioSuite {

    /** The reconciler's default quiet period (application.properties) and MISSING grace. */
    private static final long QUIET_SECONDS = 600;
    private static final long GRACE_SECONDS = 3600;

    private String clusterArn;

    @BeforeEach
    void runAnEcsClusterWithOneContainerInstance() throws Exception {
        stack.aws.holdEcsTasksInTheirState();
        // A cluster of its own: moto's ECS lives as long as the class, and adoption lists every task of a cluster.
        clusterArn = stack.ecs().createCluster(create -> create.clusterName("reconcile-" + UUID.randomUUID()))
                .cluster().clusterArn();
        addContainerInstances(1);
        stack.ecs().registerTaskDefinition(definition -> definition.family("webapp").networkMode(NetworkMode.BRIDGE)
                .containerDefinitions(container -> container.name("app").image("nginx").memory(128).essential(true)));
    }

    /** Container instances for the cluster's tasks: moto places a task only where its memory fits. */
    private void addContainerInstances(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            String instance = stack.aws.runEc2Instance();
            stack.ecs().registerContainerInstance(register -> register.cluster(clusterArn)
                    .instanceIdentityDocument("{\"instanceId\": \"" + instance + "\"}"));
        }
    }

    private String runTask() {
        return stack.ecs().runTask(run -> run.cluster(clusterArn).taskDefinition("webapp").count(1)
                .launchType("EC2")).tasks().get(0).taskArn();
    }

    /** The ECS Task State Change ECS sends for the task, as the status-change function reads it. */
    private TaskEvent.EcsStateChange ecsEvent(String taskArn, Phase lastStatus, long version, Instant at)
            throws Exception {
        return ecsEvent(clusterArn, taskArn, lastStatus, version, at);
    }

    private static TaskEvent.EcsStateChange ecsEvent(String clusterArn, String taskArn, Phase lastStatus, long version,
                                                     Instant at) throws Exception {
        ObjectNode detail = JsonNodeFactory.instance.objectNode()
                .put("taskArn", taskArn).put("clusterArn", clusterArn).put("lastStatus", lastStatus.name())
                .put("desiredStatus", lastStatus == Phase.STOPPED ? "STOPPED" : "RUNNING").put("version", version)
                .put("group", "family:webapp");
        return EventParser.ecsStateChange("ecs-" + version + "-" + taskArn, at, detail);
    }

    private static String idOf(String taskArn) {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private TaskRecord ecsTask(String taskArn) {
        return stack.tasks.find(idOf(taskArn)).orElseThrow();
    }

    @Test
    void aTaskWhoseStopEventNeverArrivedIsStoppedByOneRunAndItsLateEventIsThenADuplicate() throws Exception {
        String taskArn = runTask();
        stack.apply(ecsEvent(taskArn, Phase.RUNNING, 4, T0));
        stack.ecs().stopTask(stop -> stop.cluster(clusterArn).task(taskArn).reason("scaled in"));
        // The STOPPED event is lost upstream.
        stack.ecsRequests.reset();

        ReconcileReport report = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> Long.MAX_VALUE);

        assertEquals(1, report.moved(), report.toString());
        assertEquals(1, stack.ecsRequests.count("DescribeTasks"));
        TaskRecord stopped = ecsTask(taskArn);
        assertEquals(Phase.STOPPED, stopped.lastStatus());
        assertEquals(8L, stopped.ecsVersion(), "ECS's version of the stop");

        // The real event turns up after all: already applied, never a second move.
        assertEquals(Verdict.DUPLICATE, stack.apply(ecsEvent(taskArn, Phase.STOPPED, 8, T0.plusSeconds(700)))
                .verdict());
        assertEquals(1, ecsTask(taskArn).history().stream().filter(entry -> entry.to() == Phase.STOPPED).count());
        // And an older one is stale.
        assertEquals(Verdict.STALE, stack.apply(ecsEvent(taskArn, Phase.DEACTIVATING, 5, T0.plusSeconds(701)))
                .verdict());
    }

    @Test
    void aTaskEcsStillRunsCostsOneDescribeAndNoWrite() throws Exception {
        String taskArn = runTask();
        stack.apply(ecsEvent(taskArn, Phase.RUNNING, 4, T0));
        stack.dynamoRequests.reset();

        ReconcileReport report = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> Long.MAX_VALUE);

        assertEquals(1, report.unchanged(), report.toString());
        assertEquals(0, stack.dynamoRequests.count("UpdateItem"));
        assertEquals(Phase.RUNNING, ecsTask(taskArn).lastStatus());
    }

    @Test
    void aTaskHeardFromWithinTheQuietPeriodIsNotAsked() throws Exception {
        String taskArn = runTask();
        stack.apply(ecsEvent(taskArn, Phase.RUNNING, 4, T0));
        stack.ecsRequests.reset();

        ReconcileReport report = stack.reconciler(T0.plusSeconds(QUIET_SECONDS - 1)).reconcile(() -> Long.MAX_VALUE);

        assertEquals(0, report.read(), report.toString());
        assertEquals(0, stack.ecsRequests.count("DescribeTasks"));
    }

    @Test
    void aClusterEcsCannotAnswerForIsLeftForTheNextRunAndTheOthersAreReconciled() throws Exception {
        String other = stack.ecs().createCluster(create -> create.clusterName("reconcile-other")).cluster().clusterArn();
        String instance = stack.aws.runEc2Instance();
        stack.ecs().registerContainerInstance(register -> register.cluster(other)
                .instanceIdentityDocument("{\"instanceId\": \"" + instance + "\"}"));
        String here = runTask();
        String there = stack.ecs().runTask(run -> run.cluster(other).taskDefinition("webapp").count(1)
                .launchType("EC2")).tasks().get(0).taskArn();
        stack.apply(ecsEvent(here, Phase.RUNNING, 4, T0));
        stack.apply(ecsEvent(other, there, Phase.RUNNING, 4, T0));
        stack.ecs().stopTask(stop -> stop.cluster(clusterArn).task(here));
        stack.ecs().stopTask(stop -> stop.cluster(other).task(there));
        // ECS throttles the first DescribeTasks through every retry the client makes (AWS_MAX_ATTEMPTS).
        stack.proxy.inject("DescribeTasks", FaultProxy.Fault.THROTTLE, 5);

        ReconcileReport throttled = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> Long.MAX_VALUE);

        assertEquals(1, throttled.failed(), throttled.toString());
        assertEquals(1, throttled.moved(), "the other cluster is reconciled all the same: " + throttled);
        ReconcileReport next = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 601)).reconcile(() -> Long.MAX_VALUE);
        assertEquals(1, next.moved(), next.toString());
        assertEquals(Phase.STOPPED, ecsTask(here).lastStatus());
        assertEquals(Phase.STOPPED, ecsTask(there).lastStatus());
    }

    @Test
    void aRunStopsBeforeItsDeadlineAndTheNextOneCarriesOn() throws Exception {
        String taskArn = runTask();
        stack.apply(ecsEvent(taskArn, Phase.RUNNING, 4, T0));
        stack.ecs().stopTask(stop -> stop.cluster(clusterArn).task(taskArn));
        stack.ecsRequests.reset();

        ReconcileReport cut = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> 1_000);

        assertTrue(cut.stoppedEarly(), cut.toString());
        assertEquals(0, stack.ecsRequests.count("DescribeTasks"));
        ReconcileReport next = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 601)).reconcile(() -> Long.MAX_VALUE);
        assertEquals(1, next.moved(), next.toString());
    }

    @Test
    void aReportThatMovesNothingStillCountsAsHeardFrom() throws Exception {
        String taskArn = runTask();
        stack.apply(ecsEvent(taskArn, Phase.RUNNING, 4, T0));
        // ECS reports the task again (a newer version, the same phase): written, and heard from.
        assertEquals(Verdict.UPDATED, stack.apply(ecsEvent(taskArn, Phase.RUNNING, 5, T0.plusSeconds(500)))
                .verdict());

        ReconcileReport report = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> Long.MAX_VALUE);

        assertEquals(0, report.read(), report.toString());
    }

    @Test
    void theTasksOfADeletedClusterAreMissingToo() throws Exception {
        String deletedCluster = clusterArn.replace(":cluster/reconcile", ":cluster/deleted");
        String inDeletedCluster = deletedCluster.replace(":cluster/", ":task/") + "/fedcba9876543210fedcba9876543210";
        stack.apply(ecsEvent(deletedCluster, inDeletedCluster, Phase.RUNNING, 4, T0));

        ReconcileReport report = stack.reconciler(T0.plusSeconds(GRACE_SECONDS)).reconcile(() -> Long.MAX_VALUE);

        assertEquals(1, report.missingStopped(), report.toString());
        assertEquals(0, report.failed(), report.toString());
        assertEquals(Outcome.UNKNOWN, ecsTask(inDeletedCluster).outcome());
    }

    @Test
    void aTaskEcsNoLongerKnowsIsStoppedWithOutcomeUnknownOnlyAfterTheGracePeriod() throws Exception {
        String unknownToEcs = clusterArn.replace(":cluster/", ":task/") + "/0123456789abcdef0123456789abcdef";
        stack.apply(ecsEvent(unknownToEcs, Phase.RUNNING, 4, T0));

        ReconcileReport early = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> Long.MAX_VALUE);
        assertEquals(1, early.missingInGrace(), early.toString());
        assertEquals(Phase.RUNNING, ecsTask(unknownToEcs).lastStatus());

        ReconcileReport late = stack.reconciler(T0.plusSeconds(GRACE_SECONDS)).reconcile(() -> Long.MAX_VALUE);
        assertEquals(1, late.missingStopped(), late.toString());
        TaskRecord stopped = ecsTask(unknownToEcs);
        assertEquals(Phase.STOPPED, stopped.lastStatus());
        assertEquals(Outcome.UNKNOWN, stopped.outcome());

        ReconcileReport after = stack.reconciler(T0.plusSeconds(GRACE_SECONDS + 600)).reconcile(() -> Long.MAX_VALUE);
        assertEquals(0, after.read(), "a STOPPED task leaves the reconcile index: " + after);
    }

    @Test
    void aRunAmongTenThousandTasksCostsInProportionToTheQuietOnesNotTheTable() throws Exception {
        int quietRunning = 100;
        int drifted = 100;
        List<String> quiet = new ArrayList<>();
        addContainerInstances(10);
        for (int i = 0; i < (quietRunning + drifted) / 10; i++) {
            stack.ecs().runTask(run -> run.cluster(clusterArn).taskDefinition("webapp").count(10).launchType("EC2"))
                    .tasks().forEach(task -> quiet.add(task.taskArn()));
        }
        for (String taskArn : quiet) {
            stack.apply(ecsEvent(taskArn, Phase.RUNNING, 4, T0));
        }
        for (String taskArn : quiet.subList(0, drifted)) {
            stack.ecs().stopTask(stop -> stop.cluster(clusterArn).task(taskArn));
        }
        // The rest of the 10,000: heard from within the quiet period, shaped as the store leaves a RUNNING ECS task.
        int heard = 10_000 - quiet.size();
        putRunningEcsTasks(heard, i -> true, i -> true);
        stack.dynamoRequests.reset();
        stack.ecsRequests.reset();

        ReconcileReport report = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> Long.MAX_VALUE);

        System.out.printf("reconcile of %d tasks (%d quiet, %d drifted): %s; DynamoDB requests %s; ECS requests %s%n",
                stack.itemCount(), quiet.size(), drifted, report, stack.dynamoRequests.all(),
                stack.ecsRequests.all());
        assertEquals(quiet.size(), report.read(), "only the quiet tasks' entries are read");
        assertEquals(drifted, report.moved());
        assertEquals(quietRunning, report.unchanged());
        assertEquals(2, stack.ecsRequests.count("DescribeTasks"), "100 tasks a call");
        assertEquals(Fixtures.SWEEP_INDEX.shards().count() * 2, stack.dynamoRequests.count("Query"),
                "one page per key of each kind (ECS, AGENT)");
        assertEquals(0, stack.dynamoRequests.count("Scan"));
        assertEquals(drifted, stack.dynamoRequests.count("UpdateItem"), "a write for each drifted task only");
        assertEquals(0, stack.dynamoRequests.count("GetItem"));
    }

    /**
     * {@code count} items shaped as the store leaves a RUNNING ECS task last written at T0 + 300 s ({@code heard<i>}),
     * in the reconcile index and the list index where {@code reconciled} and {@code listed} say so.
     */
    private void putRunningEcsTasks(int count, IntPredicate reconciled, IntPredicate listed) {
        List<WriteRequest> batch = new ArrayList<>();
        String at = Long.toString(T0.plusSeconds(300).toEpochMilli());
        for (int i = 0; i < count; i++) {
            String taskId = "heard" + i;
            Map<String, AttributeValue> item = new HashMap<>(Map.of(
                    "taskId", AttributeValue.fromS(taskId),
                    "lastStatus", AttributeValue.fromS("RUNNING"),
                    "version", AttributeValue.fromN("1"),
                    "ecsVersion", AttributeValue.fromN("4"),
                    "cluster", AttributeValue.fromS(clusterArn),
                    "taskArn", AttributeValue.fromS(clusterArn.replace(":cluster/", ":task/") + "/" + taskId),
                    "updatedAt", AttributeValue.fromN(at)));
            if (reconciled.test(i)) {
                item.put("reconcileKey", AttributeValue.fromS(Fixtures.SWEEP_INDEX.shards().keyOf("ECS", taskId)));
                item.put("heardAt", AttributeValue.fromN(at));
            }
            if (listed.test(i)) {
                item.put("clusterShard", AttributeValue.fromS(Fixtures.LIST_SHARDS.keyOf(clusterArn, taskId)));
            }
            batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            if (batch.size() == 25 || i == count - 1) {
                List<WriteRequest> items = List.copyOf(batch);
                stack.dynamo.batchWriteItem(write -> write.requestItems(Map.of(stack.tableName, items)));
                batch.clear();
            }
        }
    }

    @Test
    void aBackfillAmongTenThousandItemsScansTheTableOnceAndWritesOnlyTheMissingKeys() {
        // 1,000 written before the reconcile index, 500 of them before the list index too.
        putRunningEcsTasks(10_000, i -> i % 10 != 0, i -> i % 20 != 0);
        stack.dynamoRequests.reset();

        JsonNode answer = stack.invoke("backfill", "{\"segment\":0,\"segments\":1}");

        System.out.printf("backfill of %d items: %s; DynamoDB requests %s%n", stack.itemCount(), answer,
                stack.dynamoRequests.all());
        assertTrue(answer.get("done").asBoolean(), answer.toString());
        assertEquals(10_000, answer.get("scanned").asInt());
        assertEquals(1_000, answer.get("reconcileAdded").asInt());
        assertEquals(500, answer.get("listAdded").asInt());
        assertEquals(1_500, stack.dynamoRequests.count("UpdateItem"), "one write per key missing, none else");
        assertTrue(stack.dynamoRequests.count("Scan") <= 10_000 / 200 + 1, "pages of 200 items");
        Map<String, AttributeValue> backfilled = stack.rawItem("heard0");
        assertEquals(Fixtures.SWEEP_INDEX.shards().keyOf("ECS", "heard0"), backfilled.get("reconcileKey").s());
        assertEquals(Long.toString(T0.plusSeconds(300).toEpochMilli()), backfilled.get("heardAt").n(),
                "heard from when it was last written");
        assertEquals("1", backfilled.get("version").n(), "the record itself is not changed");
    }

    @Test
    void aClusterTheServiceAdoptsHasTheTasksItRunsUnknownToTheTableRecorded() throws Exception {
        String known = runTask();
        String unknown = runTask();
        // The table knows the first task, by an item this code cannot even read as a record.
        stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(Map.of(
                "taskId", AttributeValue.fromS(idOf(known)), "lastStatus", AttributeValue.fromS("NO-SUCH-PHASE"))));
        stack.clock.set(T0.plusSeconds(60));
        // The adopting run: the functions' wiring, with this cluster to adopt (RECONCILE_ADOPT_CLUSTERS).
        Reconciler adopting = new Reconciler(stack.index, stack.tasks, stack.service, new EcsTasks(stack.ecs()),
                LifecycleStack.bean(EventPublisher.class), stack.clock, Duration.ofSeconds(QUIET_SECONDS),
                Duration.ofSeconds(GRACE_SECONDS), 0, 100, List.of(clusterArn));
        try {
            ReconcileReport report = adopting.reconcile(() -> Long.MAX_VALUE);

            assertEquals(1, report.adopted(), report.toString());
            assertEquals(0, report.failed(), report.toString());
            assertEquals(Phase.RUNNING, ecsTask(unknown).lastStatus());
            assertEquals(unknown, ecsTask(unknown).taskArn());
            assertEquals("NO-SUCH-PHASE", stack.rawItem(idOf(known)).get("lastStatus").s(),
                    "a known task is left as it is");
            assertEquals(0, adopting.reconcile(() -> Long.MAX_VALUE).adopted(), "adopted once");
        } finally {
            List.of(known, unknown).forEach(arn -> stack.ecs().stopTask(stop -> stop.cluster(clusterArn).task(arn)));
        }
    }

    @Test
    void agentTasksNotHeardFromAreNamedInAReconciliationRequest() throws Exception {
        stack.apply(agent("quiet-agent-task", AgentState.RUNNING, 0, "r1"));
        stack.drainNotifications();

        ReconcileReport report = stack.reconciler(T0.plusSeconds(QUIET_SECONDS + 1)).reconcile(() -> Long.MAX_VALUE);

        assertEquals(1, report.reconciliationRequests(), report.toString());
        List<JsonNode> requests = stack.drainNotifications().stream()
                .filter(event -> event.get("detail-type").asText().equals("Task Reconciliation Requested")).toList();
        assertEquals(1, requests.size());
        assertEquals("quiet-agent-task", requests.get(0).at("/detail/taskIds/0").asText());
        assertNull(requests.get(0).at("/detail/cluster").textValue(), "the agent task has no cluster");
    }

    /**
     * The item as written before the reconcile and list indexes existed, and before a stopped task waited out a
     * retention time: without their keys.
     */
    private void asBeforeTheUpgrade(String taskId) {
        stack.dynamo.updateItem(update -> update.tableName(stack.tableName)
                .key(Map.of("taskId", AttributeValue.fromS(taskId)))
                .updateExpression("REMOVE reconcileKey, heardAt, clusterShard, sweepKind, sweepSince"));
    }

    @Test
    void tasksWrittenBeforeTheUpgradeAreBackfilledOnceAndThenReconciled() throws Exception {
        String drifted = runTask();
        stack.apply(ecsEvent(drifted, Phase.RUNNING, 4, T0));
        stack.apply(agent("old-agent-task", AgentState.RUNNING, 0, "r1"));
        String ended = runTask();
        stack.apply(ecsEvent(ended, Phase.STOPPED, 8, T0));
        for (String taskId : List.of(idOf(drifted), "old-agent-task", idOf(ended))) {
            asBeforeTheUpgrade(taskId);
        }
        String recent = runTask();
        stack.apply(ecsEvent(recent, Phase.RUNNING, 4, T0.plusSeconds(5)));
        Map<String, AttributeValue> recentBefore = stack.rawItem(idOf(recent));
        stack.ecs().stopTask(stop -> stop.cluster(clusterArn).task(drifted).reason("scaled in")); // event lost
        Instant due = T0.plusSeconds(QUIET_SECONDS + 10);

        assertEquals(0, stack.reconciler(due).reconcile(() -> Long.MAX_VALUE).moved(), "not in the index: not asked");

        JsonNode answer = stack.invoke("backfill", "{\"segment\":0,\"segments\":1}");

        assertTrue(answer.get("done").asBoolean(), answer.toString());
        assertEquals(4, answer.get("scanned").asInt());
        assertEquals(2, answer.get("reconcileAdded").asInt(), "the two live tasks, not the stopped one");
        assertEquals(2, answer.get("listAdded").asInt(), "the ECS tasks: the agent task has no cluster");
        assertEquals(1, answer.get("retentionAdded").asInt(), "the stopped one waits out its retention from now on");
        assertEquals(0, answer.get("failed").asInt());
        assertEquals(recentBefore, stack.rawItem(idOf(recent)), "an item written since the upgrade is left as it is");
        assertNull(stack.rawItem(idOf(ended)).get("reconcileKey"), "a stopped task is never reconciled");
        assertEquals(ecsTask(drifted).version(), Long.parseLong(stack.rawItem(idOf(drifted)).get("version").n()),
                "the record itself is not changed");

        ReconcileReport report = stack.reconciler(due).reconcile(() -> Long.MAX_VALUE);
        assertEquals(1, report.moved(), report.toString());
        assertEquals(Phase.STOPPED, ecsTask(drifted).lastStatus(), "its lost stop is healed");
        assertEquals(1, report.reconciliationRequests(), "the agent task is asked about");
        JsonNode again = stack.invoke("backfill", "{}");
        assertEquals(0, again.get("reconcileAdded").asInt() + again.get("retentionAdded").asInt(), "once is enough");
        SweepReport retained = stack.sweeper(T0.plusSeconds(Fixtures.POLICY.retainStoppedSeconds() + 60))
                .sweep(() -> Long.MAX_VALUE);
        assertEquals(1, retained.stoppedCompacted(), "the task stopped before the upgrade is compacted in its turn");
        assertEquals("INVALID", stack.invoke("backfill", "{\"segments\":0}").get("verdict").asText());
        assertEquals("INVALID", stack.invoke("backfill", "{\"after\":\"\"}").get("verdict").asText());
    }

    @Test
    void anItemThisCodeCannotReadFailsAloneAndTheBackfillGoesOn() throws Exception {
        stack.apply(agent("old-good", AgentState.RUNNING, 0, "r1"));
        asBeforeTheUpgrade("old-good");
        stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(Map.of( // a phase this code does not know
                "taskId", AttributeValue.fromS("old-odd"), "lastStatus", AttributeValue.fromS("LAUNCHING"),
                "agentTimestamp", AttributeValue.fromN("1"))));

        JsonNode answer = stack.invoke("backfill", "{\"segment\":0,\"segments\":1}");

        assertEquals(1, answer.get("failed").asInt(), answer.toString());
        assertEquals("old-odd", answer.at("/failedTaskIds/0").asText());
        assertEquals(1, answer.get("reconcileAdded").asInt(), "the others go on");
        assertTrue(answer.get("done").asBoolean());
    }

    @Test
    void aBackfillStoppedByItsDeadlineGoesOnWhereItStoppedAndAddsEachTaskOnce() throws Exception {
        for (int i = 0; i < 7; i++) {
            stack.apply(agent("old-" + i, AgentState.RUNNING, 0, "r" + i));
            asBeforeTheUpgrade("old-" + i);
        }
        IndexBackfill backfill = new IndexBackfill(stack.scan, 1, 2);

        IndexBackfill.Report none = backfill.run(0, 1, null, () -> 0);
        assertEquals(false, none.done());
        assertNull(none.continueAfter(), "no time for a page: start again from the start");

        int added = 0;
        int runs = 0;
        String after = null;
        boolean done = false;
        while (!done) {
            int[] checksLeft = {3}; // each run has time for a page and a few writes: it stops within the second page
            IndexBackfill.Report report = backfill.run(0, 1, after, () -> checksLeft[0]-- > 0 ? 1 : 0);
            added += report.reconcileAdded();
            assertEquals(0, report.alreadyDone(), report.toString());
            after = report.continueAfter();
            done = report.done();
            runs++;
        }
        assertEquals(7, added);
        assertTrue(runs >= 2, "stopped by its deadline at least once: " + runs);
        for (int i = 0; i < 7; i++) {
            assertTrue(stack.rawItem("old-" + i).containsKey("reconcileKey"), "old-" + i);
        }
    }

    @Test
    void aTaskThatStoppedAfterTheScanIsNotPutInTheIndex() throws Exception {
        String taskArn = runTask();
        stack.apply(ecsEvent(taskArn, Phase.RUNNING, 4, T0));
        asBeforeTheUpgrade(idOf(taskArn));
        BackfillCandidate seen = stack.scan.backfillScan(0, 1, null, 100).found().get(0);
        stack.apply(ecsEvent(taskArn, Phase.STOPPED, 8, T0.plusSeconds(1)));

        assertEquals(false, stack.scan.addToReconcileIndex(seen));
        assertNull(stack.rawItem(idOf(taskArn)).get("reconcileKey"));
    }
}
