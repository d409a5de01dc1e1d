package dev.tasklife.service;

/**
 * What one sweep did. Every count is of tasks read from the sparse sweep index: the sweep reads nothing else.
 *
 * @param queries Query requests made on the index
 * @param readUnits read capacity those queries consumed
 * @param read tasks read from the index
 * @param notDue tasks found UNREACHABLE (or in a step) but not for long enough yet: left alone
 * @param expunged tasks marked UNKNOWN and expunged after being UNREACHABLE too long
 * @param replacementsRequested replacements the sweep's writes created (on expiry, after inactiveAfterSeconds, or
 *     for a service task a step timeout stopped failed)
 * @param stepsTimedOut tasks failed or forced on after a step took too long
 * @param killsRetried kills requested again: agent tasks wanted STOPPED still STOPPING a retry interval after their
 *     last kill request
 * @param killAttemptsMax the most kill requests one of those tasks has had, this retry included (0: none retried)
 * @param launchesOverdue launched tasks still PENDING after the launch timeout: killed and failed
 * @param compacted expunged tasks compacted to their permanent marker once their tombstone was due
 * @param stoppedCompacted tasks STOPPED, not expunged, compacted the same way after the retention time
 * @param movedOn tasks that changed since they were read (reconnected, another sweep was first): left as they are
 * @param failed tasks the sweep could not read or write: logged, and left for the next run
 * @param stoppedEarly the sweep stopped before the deadline with work left for the next run
 */
public record SweepReport(int queries, double readUnits, int read, int notDue, int expunged,
                          int replacementsRequested, int stepsTimedOut, int killsRetried, long killAttemptsMax,
                          int launchesOverdue, int compacted, int stoppedCompacted, int movedOn, int failed,
                          boolean stoppedEarly) {
}
