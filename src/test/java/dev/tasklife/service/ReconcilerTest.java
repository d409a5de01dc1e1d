package dev.tasklife.service;

import static dev.tasklife.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.ReconcileEntry;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.Verdict;
import dev.tasklife.ecs.EcsTasks;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.OutboundEvent;
import dev.tasklife.store.IndexPage;
import dev.tasklife.store.IndexQueries;
import dev.tasklife.store.ReconcileKind;
import dev.tasklife.store.TaskReads;

/**
 * Reconciliation without the emulator: its index, ECS and the bus are stubs, so that what ECS says of each quiet task,
 * the batching by cluster, the grace for MISSING, the isolation of a cluster ECS cannot answer for, the deadline and
 * the rotation over shards are checked in milliseconds (the index query and moto's ECS run in MotoReconcileIT).
 */
class ReconcilerTest {

    private static final Instant NOW = T0.plusSeconds(7200);
    private static final Duration QUIET = Duration.ofMinutes(10);
    private static final Duration GRACE = Duration.ofHours(1);
    private static final String REGION_ACCOUNT = "arn:aws:ecs:us-west-2:111122223333:";

    private final IndexQueries index = mock(IndexQueries.class);
    private final TaskReads tasks = mock(TaskReads.class);
    private final StatusChangeService statusChanges = mock(StatusChangeService.class);
    private final EcsTasks ecs = mock(EcsTasks.class);
    private final EventPublisher publisher = mock(EventPublisher.class);
    private final Map<String, List<ReconcileEntry>> entries = new LinkedHashMap<>();
    /** What ECS says of each task ARN: its lastStatus and version; absent: MISSING. */
    private final Map<String, Object[]> ecsTasks = new LinkedHashMap<>();
    private final List<String> keysRead = new ArrayList<>();

    @BeforeEach
    void stubs() {
        for (ReconcileKind kind : ReconcileKind.values()) {
            when(index.reconcileKeys(kind)).thenReturn(List.of(kind + "#0", kind + "#1", kind + "#2", kind + "#3"));
        }
        when(index.reconcileCandidates(anyString(), any(), any(), anyInt())).thenAnswer(call -> {
            String key = call.getArgument(0);
            keysRead.add(key);
            return new IndexPage<>(entries.getOrDefault(key, List.of()), List.of(), null, 0.5);
        });
        when(ecs.describe(anyString(), anyList())).thenAnswer(call -> {
            List<ObjectNode> described = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String arn : (List<String>) call.getArgument(1)) {
                Object[] known = ecsTasks.get(arn);
                if (known == null) {
                    missing.add(arn);
                } else {
                    described.add(JsonNodeFactory.instance.objectNode().put("taskArn", arn)
                            .put("clusterArn", REGION_ACCOUNT + "cluster/" + arn.split("/")[1])
                            .put("lastStatus", known[0].toString()).put("desiredStatus", "STOPPED")
                            .put("version", (Long) known[1]));
                }
            }
            return new EcsTasks.Described(described, missing, List.of());
        });
        when(statusChanges.apply(any(TaskEvent.class))).thenAnswer(call -> new StatusChangeResult(Verdict.APPLIED,
                ((TaskEvent) call.getArgument(0)).taskId(), "e", Phase.STOPPED, null, null, 5, null, null));
    }

    private Reconciler reconciler() {
        return new Reconciler(index, tasks, statusChanges, ecs, publisher, Clock.fixed(NOW, ZoneOffset.UTC), QUIET,
                GRACE, 1_000, 100, List.of());
    }

    /** An ECS task of {@code cluster} the index shows RUNNING at ECS version 4, last heard of at {@code heardAt}. */
    private String ecsTask(int shard, String cluster, String taskId, Instant heardAt) {
        String arn = REGION_ACCOUNT + "task/" + cluster + "/" + taskId;
        entries.computeIfAbsent("ECS#" + shard, key -> new ArrayList<>()).add(new ReconcileEntry(taskId, heardAt,
                REGION_ACCOUNT + "cluster/" + cluster, arn, Phase.RUNNING, 3, 4L));
        return arn;
    }

    @Test
    void aTaskEcsHasInAnotherPhaseIsMovedAndOneAsRecordedCostsNoWrite() {
        ecsTasks.put(ecsTask(0, "web", "drifted", T0), new Object[] {"STOPPED", 6L});
        ecsTasks.put(ecsTask(1, "web", "same", T0), new Object[] {"RUNNING", 4L});

        ReconcileReport report = reconciler().reconcile(() -> 60_000);

        assertEquals(1, report.moved());
        assertEquals(1, report.unchanged());
        assertEquals(1, report.ecsCalls(), "one DescribeTasks for the cluster's quiet tasks");
        ArgumentCaptor<TaskEvent> applied = ArgumentCaptor.forClass(TaskEvent.class);
        verify(statusChanges).apply(applied.capture());
        TaskEvent.EcsStateChange moved = (TaskEvent.EcsStateChange) applied.getValue();
        assertEquals("drifted", moved.taskId());
        assertEquals(6, moved.version(), "applied exactly as its lost event, with ECS's version");
    }

    @Test
    void aTaskEcsNoLongerKnowsStopsOnlyAfterTheGrace() {
        ecsTask(0, "web", "gone-long-ago", NOW.minus(GRACE).minusSeconds(1));
        ecsTask(0, "web", "just-started", NOW.minus(QUIET));

        ReconcileReport report = reconciler().reconcile(() -> 60_000);

        assertEquals(1, report.missingStopped());
        assertEquals(1, report.missingInGrace());
        ArgumentCaptor<TaskEvent> applied = ArgumentCaptor.forClass(TaskEvent.class);
        verify(statusChanges).apply(applied.capture());
        assertEquals("gone-long-ago", applied.getValue().taskId());
    }

    @Test
    void aClusterEcsCannotAnswerForIsLeftForTheNextRunAndTheOthersAreReconciled() {
        ecsTask(0, "throttled", "a", T0);
        ecsTasks.put(ecsTask(1, "web", "b", T0), new Object[] {"STOPPED", 6L});
        when(ecs.describe(eq("throttled"), anyList())).thenThrow(new IllegalStateException("ThrottlingException"));

        ReconcileReport report = reconciler().reconcile(() -> 60_000);

        assertEquals(1, report.failed());
        assertEquals(1, report.moved());
    }

    @Test
    void aClustersQuietTasksAreAskedAboutAHundredACall() {
        for (int i = 0; i < 250; i++) {
            ecsTasks.put(ecsTask(i % 4, "big", "t" + i, T0), new Object[] {"RUNNING", 4L});
        }

        ReconcileReport report = reconciler().reconcile(() -> 60_000);

        assertEquals(3, report.ecsCalls(), "100 + 100 + 50");
        assertEquals(250, report.unchanged());
        verify(statusChanges, never()).apply(any(TaskEvent.class));
    }

    @Test
    void agentTasksAreNamedToTheirAgentsAHundredARequestPerCluster() {
        for (int i = 0; i < 150; i++) {
            entries.computeIfAbsent("AGENT#" + (i % 4), key -> new ArrayList<>()).add(new ReconcileEntry("m" + i, T0,
                    i < 120 ? "marathon-east" : "marathon-west", null, Phase.RUNNING, 3, null));
        }

        ReconcileReport report = reconciler().reconcile(() -> 60_000);

        assertEquals(150, report.agentTasks());
        assertEquals(3, report.reconciliationRequests(), "east: 100 + 20, west: 30");
        ArgumentCaptor<List<OutboundEvent>> published = ArgumentCaptor.captor();
        verify(publisher, times(3)).publish(published.capture());
        assertEquals(Set.of("marathon-east", "marathon-west"), published.getAllValues().stream()
                .map(events -> events.get(0).detail().path("cluster").asText()).collect(Collectors.toSet()));
    }

    @Test
    void eachRunStartsAtAShardOfItsOwnSoThatRunsCutShortStillReachEveryShard() {
        Set<String> firstKeys = new HashSet<>();
        for (int run = 0; run < 60; run++) {
            keysRead.clear();
            AtomicInteger checks = new AtomicInteger();
            // Time for one Query of the agent tasks, one of ECS's: then the deadline.
            ReconcileReport report = reconciler().reconcile(() -> checks.incrementAndGet() <= 1 ? 60_000 : 999);
            assertTrue(report.stoppedEarly());
            firstKeys.add(keysRead.get(0));
        }
        assertEquals(Set.of("AGENT#0", "AGENT#1", "AGENT#2", "AGENT#3"), firstKeys);

        keysRead.clear();
        reconciler().reconcile(() -> 60_000);
        assertEquals(8, keysRead.size(), "an unhurried run reads every key once");
        assertEquals(8, new HashSet<>(keysRead).size());
    }

    @Test
    void unreadableIndexEntriesAreCountedAndTheOthersReconciled() {
        ecsTasks.put(ecsTask(0, "web", "fine", T0), new Object[] {"STOPPED", 6L});
        when(index.reconcileCandidates(eq("ECS#1"), any(), any(), anyInt())).thenReturn(new IndexPage<>(List.of(),
                List.of("paused: No enum constant dev.tasklife.domain.Phase.PAUSED"), null, 0.5));

        ReconcileReport report = reconciler().reconcile(() -> 60_000);

        assertEquals(1, report.failed());
        assertEquals(1, report.moved());
        verify(tasks, never()).findAll(any(), anyBoolean());
    }
}
