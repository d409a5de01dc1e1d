package dev.tasklife.service;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.tasklife.domain.LifecyclePolicy;
import dev.tasklife.domain.SweepEntry;
import dev.tasklife.domain.TaskEvent.SweepFinding;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Timer;
import dev.tasklife.domain.Verdict;
import dev.tasklife.store.IndexPage;
import dev.tasklife.store.IndexQueries;
import dev.tasklife.store.TaskReads;
import dev.tasklife.store.TaskReads.Records;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The scheduled sweep. It reads only the sparse sweep index (tasks UNREACHABLE or in a step phase), page by page,
 * and applies what it finds through the status-change service, each write guarded by the version it read: a task
 * that reconnected meanwhile, or that an overlapping sweep handled first, is left as it is. It stops when the
 * invocation's remaining time falls under the safety margin; the next run carries on.
 *
 * <p>Each task is handled on its own: one it cannot read or write (a record it cannot parse, a write DynamoDB
 * refuses) is logged, counted as failed and left for the next run, and every other task is still swept.
 */
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final IndexQueries index;
    private final TaskReads tasks;
    private final StatusChangeService statusChanges;
    private final Clock clock;
    private final long safetyMarginMillis;
    private final int pageSize;

    public Sweeper(IndexQueries index, TaskReads tasks, StatusChangeService statusChanges, Clock clock,
                   long safetyMarginMillis, int pageSize) {
        if (pageSize < 1 || pageSize > TaskReads.MAX_BATCH_READ) {
            throw new IllegalArgumentException("the sweep's page size is 1 to " + TaskReads.MAX_BATCH_READ
                    + " (the due tasks of a page are read in one BatchGetItem), not " + pageSize);
        }
        this.index = index;
        this.tasks = tasks;
        this.statusChanges = statusChanges;
        this.clock = clock;
        this.safetyMarginMillis = safetyMarginMillis;
        this.pageSize = pageSize;
    }

    /** Sweeps once; {@code remainingMillis} is the invocation's time left (Lambda's context). */
    public SweepReport sweep(LongSupplier remainingMillis) {
        Instant now = clock.instant();
        LifecyclePolicy policy = statusChanges.lifecycle().policy();
        Tally tally = new Tally();
        // Every UNREACHABLE task is read: whether it is due depends on its own strategy. The other waits are due
        // once they have lasted their time: only those entries are read.
        boolean finished = sweepKind(Timer.UNREACHABLE, now, now, tally, remainingMillis)
                && sweepKind(Timer.STEP, now.minusSeconds(policy.stepTimeoutSeconds()), now, tally, remainingMillis)
                && sweepKind(Timer.KILL, now.minusSeconds(policy.killRetrySeconds()), now, tally, remainingMillis)
                && sweepKind(Timer.LAUNCH, now.minusSeconds(policy.launchTimeoutSeconds()), now, tally,
                        remainingMillis)
                && sweepKind(Timer.TOMBSTONE, now, now, tally, remainingMillis)
                && sweepKind(Timer.RETAIN, now.minusSeconds(policy.retainStoppedSeconds()), now, tally,
                        remainingMillis);
        SweepReport report = tally.report(!finished);
        LOG.infof("sweep read=%d notDue=%d expunged=%d replacementsRequested=%d stepsTimedOut=%d killsRetried=%d"
                        + " killAttemptsMax=%d launchesOverdue=%d compacted=%d stoppedCompacted=%d movedOn=%d"
                        + " failed=%d queries=%d"
                        + " readUnits=%.1f stoppedEarly=%s", report.read(), report.notDue(), report.expunged(),
                report.replacementsRequested(), report.stepsTimedOut(), report.killsRetried(),
                report.killAttemptsMax(), report.launchesOverdue(), report.compacted(), report.stoppedCompacted(),
                report.movedOn(), report.failed(), report.queries(), report.readUnits(), report.stoppedEarly());
        return report;
    }

    /** Every shard of one kind, page by page; false when the invocation's time ran short first. */
    private boolean sweepKind(Timer kind, Instant enteredBefore, Instant now, Tally tally,
                              LongSupplier remainingMillis) {
        for (String key : index.sweepKeys(kind)) {
            Map<String, AttributeValue> next = null;
            do {
                if (remainingMillis.getAsLong() < safetyMarginMillis) {
                    return false;
                }
                IndexPage<SweepEntry> page = index.sweepCandidates(key, enteredBefore, next, pageSize);
                tally.queries++;
                tally.readUnits += page.readUnits();
                page.unreadable().forEach(tally::unreadable);
                Map<String, SweepFinding> due = new LinkedHashMap<>();
                for (SweepEntry entry : page.entries()) {
                    tally.read++;
                    Finding finding = findingOn(kind, entry, now);
                    if (finding == null) {
                        tally.notDue++;
                    } else {
                        due.put(entry.taskId(), new SweepFinding(now, entry.taskId(), finding, entry.phase(),
                                entry.version()));
                    }
                }
                if (!due.isEmpty() && !sweepDue(kind, due, tally, remainingMillis)) {
                    return false;
                }
                next = page.next();
            } while (next != null);
        }
        return true;
    }

    /** What is due for an entry of this kind, or null: every wait but UNREACHABLE is due once the index gives it. */
    private Finding findingOn(Timer kind, SweepEntry entry, Instant now) {
        return switch (kind) {
            case UNREACHABLE -> statusChanges.lifecycle().policy().unreachableFinding(entry, now);
            case STEP -> Finding.STEP_TIMED_OUT;
            case KILL -> Finding.KILL_RETRY_DUE;
            case LAUNCH -> Finding.LAUNCH_OVERDUE;
            case TOMBSTONE -> Finding.TOMBSTONE_DUE;
            case RETAIN -> Finding.RETENTION_DUE;
        };
    }

    /**
     * The whole records of the tasks the index shows due, read in one request (the index holds only what tells
     * whether a task is due, and a write needs the record), each swept; false when the time ran short first.
     */
    private boolean sweepDue(Timer kind, Map<String, SweepFinding> due, Tally tally,
                             LongSupplier remainingMillis) {
        Records read = tasks.findAll(due.keySet(), false);
        tally.readUnits += read.readUnits();
        read.unreadable().forEach((taskId, why) -> tally.unreadable(taskId + ": " + why));
        for (SweepFinding finding : due.values()) {
            if (remainingMillis.getAsLong() < safetyMarginMillis) {
                return false;
            }
            TaskRecord task = read.records().get(finding.taskId());
            if (task != null) {
                sweepOne(kind, finding, task, tally);
            } else if (!read.unreadable().containsKey(finding.taskId())) {
                tally.movedOn++;
            }
        }
        return true;
    }

    /**
     * One task, isolated: whatever goes wrong with it is logged and counted, and the sweep goes on. The finding acts
     * only on the record as the index found it (its phase and version): one that moved on since is left as it is.
     */
    private void sweepOne(Timer kind, SweepFinding finding, TaskRecord task, Tally tally) {
        try {
            tally.count(finding.finding(), statusChanges.apply(finding, task), task);
        } catch (RuntimeException e) {
            tally.failed++;
            LOG.errorf(e, "sweep failed on task %s (%s); left for the next run", task.taskId(), kind);
        } finally {
            StatusChangeService.clearEventContext();
        }
    }

    private static final class Tally {
        int queries;
        double readUnits;
        int read;
        int notDue;
        int expunged;
        int replacementsRequested;
        int stepsTimedOut;
        int killsRetried;
        long killAttemptsMax;
        int launchesOverdue;
        int compacted;
        int stoppedCompacted;
        int movedOn;
        int failed;

        void unreadable(String failure) {
            failed++;
            LOG.errorf("sweep cannot read task %s; left for the next run", failure);
        }

        void count(Finding finding, StatusChangeResult result, TaskRecord task) {
            if (result.verdict() != Verdict.APPLIED && result.verdict() != Verdict.UPDATED) {
                movedOn++;
                return;
            }
            if (result.replacement() != null) {
                replacementsRequested++;
            }
            switch (finding) {
                case UNREACHABLE_EXPIRED -> expunged++;
                case REPLACEMENT_DUE -> { } // counted by its write, above
                case STEP_TIMED_OUT -> stepsTimedOut++;
                case KILL_RETRY_DUE -> {
                    killsRetried++;
                    // The attempt this retry made: the alarm watches how many one task needed, the log names it.
                    long attempt = task.killsRequested() + 1;
                    killAttemptsMax = Math.max(killAttemptsMax, attempt);
                    LOG.infof("kill retried taskId=%s attempt=%d", task.taskId(), attempt);
                }
                case LAUNCH_OVERDUE -> launchesOverdue++;
                case TOMBSTONE_DUE -> compacted++;
                case RETENTION_DUE -> stoppedCompacted++;
                case MISSING_FROM_ECS -> { } // the reconciler's finding; the sweep never makes it
            }
        }

        SweepReport report(boolean stoppedEarly) {
            return new SweepReport(queries, readUnits, read, notDue, expunged, replacementsRequested, stepsTimedOut,
                    killsRetried, killAttemptsMax, launchesOverdue, compacted, stoppedCompacted, movedOn, failed,
                    stoppedEarly);
        }
    }
}
