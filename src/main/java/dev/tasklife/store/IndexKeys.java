package dev.tasklife.store;

import java.util.List;

import dev.tasklife.domain.Timer;

/**
 * The partition keys of the three sparse indexes, each spread over shards by task id ({@link Shards}): the sweep
 * index ({@code Timer#shard}), the reconcile index ({@code ECS#shard}, {@code AGENT#shard}: as many shards as the
 * sweep index) and the list index ({@code cluster#shard}).
 */
public record IndexKeys(SweepIndex sweep, Shards list) {

    /** Where the task's entry of this wait goes in the sweep index. */
    public String sweepKey(Timer timer, String taskId) {
        return sweep.key(timer, taskId);
    }

    /** The sweep index's keys of one wait, all of which a sweep reads. */
    public List<String> sweepKeys(Timer timer) {
        return sweep.keys(timer);
    }

    /** Where a live task heard from by this kind of source goes in the reconcile index. */
    public String reconcileKey(ReconcileKind kind, String taskId) {
        return sweep.shards().keyOf(kind.name(), taskId);
    }

    /** The reconcile index's keys of one kind, all of which a run reads. */
    public List<String> reconcileKeys(ReconcileKind kind) {
        return sweep.shards().keys(kind.name());
    }

    /** Where a task of this cluster goes in the list index. */
    public String listKey(String cluster, String taskId) {
        return list.keyOf(cluster, taskId);
    }

    /** One shard of a cluster's tasks in the list index. */
    public String listKey(String cluster, int shard) {
        return list.key(cluster, shard);
    }
}
