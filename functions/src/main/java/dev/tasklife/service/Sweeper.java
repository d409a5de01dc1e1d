package dev.tasklife.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.tasklife.domain.LifecyclePolicy;
import dev.tasklife.domain.TaskEvent.SweepFinding;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.store.TaskStore;
import dev.tasklife.store.TaskStore.SweepKind;
import dev.tasklife.store.TaskStore.SweepPage;
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

    private final TaskStore store;
    private final StatusChangeService statusChanges;
    private final Clock clock;
    private final long safetyMarginMillis;
    private final int pageSize;

    public Sweeper(TaskStore store, StatusChangeService statusChanges, Clock clock, long safetyMarginMillis,
                   int pageSize) {
        this.store = store;
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
        // Every UNREACHABLE task is read: whether it is due depends on its own strategy.
        boolean finished = sweepKind(SweepKind.UNREACHABLE, now, now, tally, remainingMillis)
                && sweepKind(SweepKind.STEP, now.minusSeconds(policy.stepTimeoutSeconds()), now, tally,
                        remainingMillis)
                && sweepKind(SweepKind.TOMBSTONE, now, now, tally, remainingMillis);
        SweepReport report = tally.report(!finished);
        LOG.infof("sweep read=%d notDue=%d expunged=%d replacementsRequested=%d stepsTimedOut=%d compacted=%d"
                        + " movedOn=%d failed=%d queries=%d readUnits=%.1f stoppedEarly=%s", report.read(),
                report.notDue(), report.expunged(), report.replacementsRequested(), report.stepsTimedOut(),
                report.compacted(), report.movedOn(), report.failed(), report.queries(), report.readUnits(),
                report.stoppedEarly());
        return report;
    }

    /** Every shard of one kind, page by page; false when the invocation's time ran short first. */
    private boolean sweepKind(SweepKind kind, Instant enteredBefore, Instant now, Tally tally,
                              LongSupplier remainingMillis) {
        for (String key : store.sweepKeys(kind)) {
            Map<String, AttributeValue> next = null;
            do {
                if (remainingMillis.getAsLong() < safetyMarginMillis) {
                    return false;
                }
                SweepPage page = store.sweepCandidates(key, enteredBefore, next, pageSize);
                tally.queries++;
                tally.readUnits += page.readUnits();
                for (String unreadable : page.unreadable()) {
                    tally.failed++;
                    LOG.errorf("sweep cannot read task %s; left for the next run", unreadable);
                }
                for (TaskRecord task : page.tasks()) {
                    if (remainingMillis.getAsLong() < safetyMarginMillis) {
                        return false;
                    }
                    tally.read++;
                    sweepOne(kind, task, now, tally);
                }
                next = page.next();
            } while (next != null);
        }
        return true;
    }

    /** One task, isolated: whatever goes wrong with it is logged and counted, and the sweep goes on. */
    private void sweepOne(SweepKind kind, TaskRecord task, Instant now, Tally tally) {
        try {
            Finding finding = switch (kind) {
                case UNREACHABLE -> unreachableFinding(task, now);
                case STEP -> Finding.STEP_TIMED_OUT;
                case TOMBSTONE -> Finding.TOMBSTONE_DUE;
            };
            if (finding == null) {
                tally.notDue++;
                return;
            }
            Verdict verdict = statusChanges.apply(new SweepFinding(now, task.taskId(), finding,
                    task.lastStatus(), task.version()), task).verdict();
            tally.count(finding, verdict, task);
        } catch (RuntimeException e) {
            tally.failed++;
            LOG.errorf(e, "sweep failed on task %s (%s); left for the next run", task.taskId(), kind);
        } finally {
            StatusChangeService.clearEventContext();
        }
    }

    private Finding unreachableFinding(TaskRecord task, Instant now) {
        LifecyclePolicy policy = statusChanges.lifecycle().policy();
        Instant since = task.phaseSince();
        if (!since.plusSeconds(policy.expungeAfterSeconds(task)).isAfter(now)) {
            return Finding.UNREACHABLE_EXPIRED;
        }
        boolean replacementDue = task.replaceOnFailure() && task.replacedBy() == null
                && !since.plusSeconds(policy.inactiveAfterSeconds(task)).isAfter(now);
        return replacementDue ? Finding.REPLACEMENT_DUE : null;
    }

    private static final class Tally {
        int queries;
        double readUnits;
        int read;
        int notDue;
        int expunged;
        int replacementsRequested;
        int stepsTimedOut;
        int compacted;
        int movedOn;
        int failed;

        void count(Finding finding, Verdict verdict, TaskRecord before) {
            if (verdict != Verdict.APPLIED && verdict != Verdict.UPDATED) {
                movedOn++;
                return;
            }
            switch (finding) {
                case UNREACHABLE_EXPIRED -> {
                    expunged++;
                    if (before.replaceOnFailure() && before.replacedBy() == null) {
                        replacementsRequested++;
                    }
                }
                case REPLACEMENT_DUE -> replacementsRequested++;
                case STEP_TIMED_OUT -> stepsTimedOut++;
                case TOMBSTONE_DUE -> compacted++;
            }
        }

        SweepReport report(boolean stoppedEarly) {
            return new SweepReport(queries, readUnits, read, notDue, expunged, replacementsRequested, stepsTimedOut,
                    compacted, movedOn, failed, stoppedEarly);
        }
    }
}
