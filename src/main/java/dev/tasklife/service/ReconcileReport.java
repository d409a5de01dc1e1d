package dev.tasklife.service;

/**
 * What one reconciler run did. {@code read}: entries of the reconcile index read (live tasks not heard from for the
 * quiet period); {@code ecsCalls}: DescribeTasks calls; {@code moved}: tasks ECS reports in another phase, moved as
 * their ECS event would have moved them; {@code missingStopped}: tasks ECS no longer knows, STOPPED/UNKNOWN after the
 * grace period; {@code missingInGrace}: such tasks still within it; {@code adopted}: tasks an adopting cluster
 * runs that the table did not know, now recorded; {@code agentTasks}: agent tasks named in
 * {@code Task Reconciliation Requested} events, {@code reconciliationRequests} of them; {@code failed}: tasks it could
 * not read, ask about or write, left for the next run.
 */
public record ReconcileReport(int queries, double readUnits, int read, int ecsCalls, int unchanged, int moved,
                              int missingStopped, int missingInGrace, int adopted, int agentTasks,
                              int reconciliationRequests,
                              int failed, boolean stoppedEarly) {
}
