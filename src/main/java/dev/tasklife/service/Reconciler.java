package dev.tasklife.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.EcsArns;
import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.ReconcileEntry;
import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.SweepFinding;
import dev.tasklife.domain.Verdict;
import dev.tasklife.ecs.EcsTasks;
import dev.tasklife.ecs.EcsTasks.Described;
import dev.tasklife.input.EventParser;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.OutboundEvent;
import dev.tasklife.store.IndexPage;
import dev.tasklife.store.IndexQueries;
import dev.tasklife.store.ReconcileKind;
import dev.tasklife.store.TaskReads;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reconciliation (lifecycle.md): events get lost upstream, so the live tasks not heard from for {@code quiet} are
 * compared with their source of truth. It reads only those, from the reconcile index (never the table). An ECS task
 * is described (DescribeTasks, up to 100 a call, per cluster) and, when ECS has it in another phase, moved exactly as
 * its ECS event would move it, with ECS's version (a late real event is then a duplicate or stale); one ECS no longer
 * knows (MISSING) goes to STOPPED with outcome UNKNOWN once nothing was heard of it for {@code missingGrace}. Agent
 * tasks are named, per cluster, in {@code Task Reconciliation Requested} for the agent side to answer with status
 * updates, as Mesos's explicit reconciliation does. It pages, stops before its deadline, and handles each task on
 * its own.
 */
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final IndexQueries index;
    private final TaskReads tasks;
    private final StatusChangeService statusChanges;
    private final EcsTasks ecs;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Duration quiet;
    private final Duration missingGrace;
    private final long safetyMarginMillis;
    private final int pageSize;
    private final List<String> adoptedClusters;

    /** {@code adoptedClusters}: the clusters whose tasks unknown to the table are adopted (ListTasks). */
    public Reconciler(IndexQueries index, TaskReads tasks, StatusChangeService statusChanges, EcsTasks ecs,
                      EventPublisher publisher, Clock clock, Duration quiet, Duration missingGrace,
                      long safetyMarginMillis, int pageSize, List<String> adoptedClusters) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("the reconciler's page size is at least 1, not " + pageSize);
        }
        this.index = index;
        this.tasks = tasks;
        this.statusChanges = statusChanges;
        this.ecs = ecs;
        this.publisher = publisher;
        this.clock = clock;
        this.quiet = quiet;
        this.missingGrace = missingGrace;
        this.safetyMarginMillis = safetyMarginMillis;
        this.pageSize = pageSize;
        this.adoptedClusters = List.copyOf(adoptedClusters);
    }

    /** Reconciles once; {@code remainingMillis} is the invocation's time left (Lambda's context). */
    public ReconcileReport reconcile(LongSupplier remainingMillis) {
        Instant now = clock.instant();
        Tally tally = new Tally();
        // Agent tasks first: a request names 100 of them for one PutEvents, where ECS's take a DescribeTasks each 100.
        boolean finished = reconcileKind(ReconcileKind.AGENT, now, tally, remainingMillis)
                && reconcileKind(ReconcileKind.ECS, now, tally, remainingMillis);
        for (String cluster : adoptedClusters) {
            finished = finished && adopt(cluster, now, tally, remainingMillis);
        }
        ReconcileReport report = tally.report(!finished);
        LOG.infof("reconcile read=%d ecsCalls=%d unchanged=%d moved=%d missingStopped=%d missingInGrace=%d"
                        + " adopted=%d agentTasks=%d reconciliationRequests=%d failed=%d queries=%d readUnits=%.1f"
                        + " stoppedEarly=%s", report.read(), report.ecsCalls(), report.unchanged(), report.moved(),
                report.missingStopped(), report.missingInGrace(), report.adopted(), report.agentTasks(),
                report.reconciliationRequests(), report.failed(), report.queries(), report.readUnits(),
                report.stoppedEarly());
        return report;
    }

    /**
     * Every shard of one kind, page by page; a cluster's tasks are asked about 100 at a time (ECS's limit a call,
     * and ECS's API rate is the scarce thing), the rest once the kind is read; false when the time ran short first.
     */
    private boolean reconcileKind(ReconcileKind kind, Instant now, Tally tally, LongSupplier remainingMillis) {
        Map<String, List<ReconcileEntry>> pending = new LinkedHashMap<>();
        // Each run starts at a shard drawn at random, so that runs cut short by their deadline still reach every shard.
        List<String> keys = index.reconcileKeys(kind);
        int first = ThreadLocalRandom.current().nextInt(keys.size());
        for (String key : Stream.concat(keys.subList(first, keys.size()).stream(), keys.subList(0, first).stream())
                .toList()) {
            Map<String, AttributeValue> next = null;
            do {
                if (remainingMillis.getAsLong() < safetyMarginMillis) {
                    return false;
                }
                IndexPage<ReconcileEntry> page = index.reconcileCandidates(key, now.minus(quiet), next, pageSize);
                tally.queries++;
                tally.readUnits += page.readUnits();
                tally.read += page.entries().size();
                page.unreadable().forEach(tally::failed);
                page.entries().forEach(entry -> pending.computeIfAbsent(clusterOf(entry), cluster -> new ArrayList<>())
                        .add(entry));
                if (!ask(kind, pending, EcsTasks.MAX_TASKS_PER_CALL, now, tally, remainingMillis)) {
                    return false;
                }
                next = page.next();
            } while (next != null);
        }
        return ask(kind, pending, 1, now, tally, remainingMillis);
    }

    /**
     * The cluster to ask ECS about a task in: the one its ARN names ({@code task/CLUSTER/ID}, ECS's format since
     * 2018), which no launch can have named otherwise; else the one recorded; "" for an agent task without one.
     */
    private static String clusterOf(ReconcileEntry entry) {
        String clusterArn = EcsArns.clusterArnOf(entry.taskArn());
        if (clusterArn != null) {
            return clusterArn.substring(clusterArn.lastIndexOf('/') + 1);
        }
        return Objects.requireNonNullElse(entry.cluster(), "");
    }

    /** Asks about each cluster's pending tasks, 100 at a time, while at least {@code atLeast} are pending. */
    private boolean ask(ReconcileKind kind, Map<String, List<ReconcileEntry>> pending, int atLeast, Instant now,
                        Tally tally, LongSupplier remainingMillis) {
        for (Map.Entry<String, List<ReconcileEntry>> cluster : pending.entrySet()) {
            List<ReconcileEntry> tasks = cluster.getValue();
            while (tasks.size() >= atLeast && !tasks.isEmpty()) {
                if (remainingMillis.getAsLong() < safetyMarginMillis) {
                    return false;
                }
                List<ReconcileEntry> batch = tasks.subList(0, Math.min(EcsTasks.MAX_TASKS_PER_CALL, tasks.size()));
                switch (kind) {
                    case ECS -> compareWithEcs(cluster.getKey(), List.copyOf(batch), now, tally);
                    case AGENT -> requestReconciliation(cluster.getKey(), List.copyOf(batch), now, tally);
                }
                batch.clear();
            }
        }
        return true;
    }

    /** One DescribeTasks call for up to 100 of a cluster's tasks, and what ECS says applied to each on its own. */
    private void compareWithEcs(String cluster, List<ReconcileEntry> entries, Instant now, Tally tally) {
        Map<String, ReconcileEntry> byArn = new LinkedHashMap<>();
        entries.forEach(entry -> byArn.put(entry.taskArn(), entry));
        Described described = describe(cluster, List.copyOf(byArn.keySet()), tally);
        if (described == null) {
            return;
        }
        for (ObjectNode task : described.tasks()) {
            ReconcileEntry entry = byArn.get(task.path("taskArn").asText());
            if (entry != null) {
                isolated(entry.taskId(), () -> applyDescribed(entry, task, now, tally), tally);
            }
        }
        for (String missing : described.missing()) {
            ReconcileEntry entry = byArn.get(missing);
            if (entry != null) {
                isolated(entry.taskId(), () -> applyMissing(entry, now, tally), tally);
            }
        }
        described.failures().forEach(tally::failed);
    }

    private void applyDescribed(ReconcileEntry entry, ObjectNode task, Instant now, Tally tally)
            throws InvalidEventException {
        EcsStateChange described = EventParser.ecsStateChange("reconcile-" + entry.taskId() + "-v"
                + task.path("version").asText(), now, task);
        if (described.lastStatus() == entry.phase() && Long.valueOf(described.version()).equals(entry.ecsVersion())) {
            tally.unchanged++;
            return;
        }
        Verdict verdict = statusChanges.apply(described).verdict();
        if (verdict == Verdict.APPLIED || verdict == Verdict.UPDATED) {
            tally.moved++;
        } else {
            tally.unchanged++;
        }
    }

    private void applyMissing(ReconcileEntry entry, Instant now, Tally tally) {
        if (entry.heardAt().isAfter(now.minus(missingGrace))) {
            tally.missingInGrace++;
            return;
        }
        Verdict verdict = statusChanges.apply(new SweepFinding(now, entry.taskId(),
                SweepFinding.Finding.MISSING_FROM_ECS, entry.phase(), entry.version())).verdict();
        if (verdict == Verdict.APPLIED) {
            tally.missingStopped++;
        } else {
            tally.unchanged++;
        }
    }

    /**
     * Adoption: the tasks a cluster runs that the table does not know (their events all lost, or sent before the
     * service was deployed) are described and applied as their ECS events would have been; one page of ListTasks,
     * one BatchGetItem and at most one DescribeTasks per 100 tasks.
     */
    private boolean adopt(String cluster, Instant now, Tally tally, LongSupplier remainingMillis) {
        String next = null;
        do {
            if (remainingMillis.getAsLong() < safetyMarginMillis) {
                return false;
            }
            EcsTasks.Listed listed;
            tally.ecsCalls++;
            try {
                listed = ecs.list(cluster, next);
            } catch (RuntimeException e) {
                tally.failed("cluster " + cluster + ": ListTasks failed, adoption left for the next run: " + e);
                return true;
            }
            try {
                Set<String> known = tasks.knownIds(listed.taskArns().stream().map(Reconciler::idOf).toList());
                List<String> unknown = listed.taskArns().stream().filter(arn -> !known.contains(idOf(arn))).toList();
                if (!unknown.isEmpty()) {
                    adoptUnknown(cluster, unknown, now, tally);
                }
            } catch (RuntimeException e) {
                tally.failed("cluster " + cluster + ": a page of its tasks not adopted: " + e);
            }
            next = listed.nextToken();
        } while (next != null);
        return true;
    }

    private void adoptUnknown(String cluster, List<String> taskArns, Instant now, Tally tally) {
        Described described = describe(cluster, taskArns, tally);
        if (described == null) {
            return;
        }
        for (ObjectNode task : described.tasks()) {
            String taskArn = task.path("taskArn").asText();
            isolated(taskArn, () -> {
                EcsStateChange event = EventParser.ecsStateChange("adopt-" + idOf(taskArn) + "-v"
                        + task.path("version").asText(), now, task);
                if (statusChanges.apply(event).verdict() == Verdict.APPLIED) {
                    tally.adopted++;
                }
            }, tally);
        }
    }

    /** ECS's answer for these tasks, or null when the call failed (each task counted as failed). */
    private Described describe(String cluster, List<String> taskArns, Tally tally) {
        tally.ecsCalls++;
        try {
            return ecs.describe(cluster, taskArns);
        } catch (RuntimeException e) {
            taskArns.forEach(arn -> tally.failed(arn + ": DescribeTasks failed: " + e));
            return null;
        }
    }

    private static String idOf(String taskArn) {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    /** One {@code Task Reconciliation Requested} for up to 100 of a cluster's agent tasks. */
    private void requestReconciliation(String cluster, List<ReconcileEntry> entries, Instant now, Tally tally) {
        List<String> taskIds = entries.stream().map(ReconcileEntry::taskId).sorted().toList();
        ObjectNode detail = JsonNodeFactory.instance.objectNode();
        // Stable across a retry of the same run: the same tasks, silent since the same time.
        detail.put("eventId", LifecycleEvents.stableId(EventTypes.TASK_RECONCILIATION_REQUESTED, cluster,
                String.join(",", taskIds) + "@" + now.minus(quiet).toEpochMilli()));
        if (!cluster.isEmpty()) {
            detail.put("cluster", cluster);
        }
        taskIds.forEach(detail.putArray("taskIds")::add);
        try {
            publisher.publish(List.of(new OutboundEvent(EventTypes.TASK_RECONCILIATION_REQUESTED, detail)));
            tally.agentTasks += taskIds.size();
            tally.reconciliationRequests++;
        } catch (RuntimeException e) {
            entries.forEach(entry -> tally.failed(entry.taskId() + ": reconciliation request not published: " + e));
        }
    }

    private interface Step {
        void run() throws InvalidEventException;
    }

    /** One task, isolated: whatever goes wrong with it is logged and counted, and the run goes on. */
    private static void isolated(String task, Step step, Tally tally) {
        try {
            step.run();
        } catch (InvalidEventException | RuntimeException e) {
            tally.failed(task + ": " + e);
        } finally {
            StatusChangeService.clearEventContext();
        }
    }

    private static final class Tally {
        int queries;
        double readUnits;
        int read;
        int ecsCalls;
        int unchanged;
        int moved;
        int missingStopped;
        int missingInGrace;
        int adopted;
        int agentTasks;
        int reconciliationRequests;
        int failed;

        void failed(String why) {
            failed++;
            LOG.errorf("reconcile failed on %s; left for the next run", why);
        }

        ReconcileReport report(boolean stoppedEarly) {
            return new ReconcileReport(queries, readUnits, read, ecsCalls, unchanged, moved, missingStopped,
                    missingInGrace, adopted, agentTasks, reconciliationRequests, failed, stoppedEarly);
        }
    }
}
