package dev.tasklife.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.tasklife.store.BackfillCandidate;
import dev.tasklife.store.BackfillScan;
import dev.tasklife.store.BackfillScan.ScanPage;

/**
 * Puts the items written before the reconcile index or the list index existed into them, and starts the retention
 * time of the tasks that stopped before it existed: one segment of a parallel
 * scan, page by page, until the segment is done or the deadline nears; the report says where to go on
 * (operations.md, "Backfilling the indexes"). Each item is written on its own and only where it still lacks the key
 * (a report written meanwhile wins); one that fails is named and counted, and the others go on. Run once after an
 * upgrade; the scheduled functions never scan.
 */
public class IndexBackfill {

    private static final Logger LOG = Logger.getLogger(IndexBackfill.class);
    /** The failed task ids a report names; the count says how many there were. */
    static final int MAX_NAMED_FAILURES = 100;

    /**
     * What one invocation did: items read, keys added to each index, candidates found already done (a report or
     * a stop came first), failures, read units; whether the segment is done, and if not the task id to go on after:
     * the last one finished (null: from the segment's start, when the deadline came before anything was done).
     */
    public record Report(int scanned, int reconcileAdded, int listAdded, int retentionAdded, int alreadyDone,
                         int failed,
                         List<String> failedTaskIds, double readUnits, boolean done, String continueAfter) {
    }

    /** The {@code after} a backfill was invoked with is not a position in its segment: the caller's mistake. */
    public static final class InvalidStart extends RuntimeException {

        InvalidStart(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final BackfillScan scan;
    private final long safetyMarginMillis;
    private final int pageSize;

    public IndexBackfill(BackfillScan scan, long safetyMarginMillis, int pageSize) {
        this.scan = scan;
        this.safetyMarginMillis = safetyMarginMillis;
        this.pageSize = pageSize;
    }

    /**
     * Backfills segment {@code segment} of {@code segments} from after {@code afterTaskId} (null: its start).
     *
     * @throws InvalidStart when DynamoDB refuses {@code afterTaskId} as the segment's start key
     */
    public Report run(int segment, int segments, String afterTaskId, LongSupplier remainingMillis) {
        Tally tally = new Tally();
        String position = afterTaskId;
        boolean done = false;
        boolean outOfTime = false;
        boolean firstPage = true;
        int finished = 0;
        while (!done && !outOfTime && remainingMillis.getAsLong() >= safetyMarginMillis) {
            ScanPage<BackfillCandidate> page;
            try {
                page = scan.backfillScan(segment, segments, position, pageSize);
            } catch (BackfillScan.ScanStartRejected e) {
                if (firstPage) {
                    throw new InvalidStart(e.getMessage(), e);
                }
                throw e; // a position this run reached itself: a failure, not the caller's mistake
            }
            firstPage = false;
            tally.scanned += page.scanned();
            tally.readUnits += page.readUnits();
            for (BackfillCandidate task : page.found()) {
                // Writes can be slow (throttled, retried): stop between two, after the last one finished. The rest
                // of the page is read again from there, and what is done is not written twice. The first task is
                // always finished, so that every invocation that read a page goes on from further than it began.
                if (finished > 0 && remainingMillis.getAsLong() < safetyMarginMillis) {
                    outOfTime = true;
                    break;
                }
                backfill(task, tally);
                position = task.taskId();
                finished++;
            }
            if (!outOfTime) {
                position = page.continueAfter();
                done = position == null;
            }
        }
        return new Report(tally.scanned, tally.reconcileAdded, tally.listAdded, tally.retentionAdded,
                tally.alreadyDone, tally.failed,
                tally.failedTaskIds, tally.readUnits, done, position);
    }

    /** Adds the keys one item lacks; a failure is counted and named, and the run goes on. */
    private void backfill(BackfillCandidate task, Tally tally) {
        if (task.unreadable() != null) {
            LOG.errorf("taskId=%s is not an item this version reads (%s); left as it is", task.taskId(),
                    task.unreadable());
            tally.failed(task);
            return;
        }
        try {
            if (task.lacksReconcileKey()) {
                tally.reconcileAdded += tally.added(scan.addToReconcileIndex(task));
            }
            if (task.lacksListKey()) {
                tally.listAdded += tally.added(scan.addToListIndex(task));
            }
            if (task.lacksRetentionKey()) {
                tally.retentionAdded += tally.added(scan.addToRetention(task));
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "taskId=%s could not be backfilled; left for another run", task.taskId());
            tally.failed(task);
        }
    }

    /** What one run did so far (its {@link Report}). */
    private static final class Tally {
        int scanned;
        int reconcileAdded;
        int listAdded;
        int retentionAdded;
        int alreadyDone;
        int failed;
        final List<String> failedTaskIds = new ArrayList<>();
        double readUnits;

        /** 1 when the key was written; 0, counted as already done, when a report or a stop came first. */
        int added(boolean written) {
            if (!written) {
                alreadyDone++;
            }
            return written ? 1 : 0;
        }

        void failed(BackfillCandidate task) {
            failed++;
            if (failedTaskIds.size() < MAX_NAMED_FAILURES) {
                failedTaskIds.add(task.taskId());
            }
        }
    }
}
