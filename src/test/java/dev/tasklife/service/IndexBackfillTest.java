package dev.tasklife.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import dev.tasklife.store.BackfillCandidate;
import dev.tasklife.store.BackfillScan;
import dev.tasklife.store.BackfillScan.ScanPage;

/** operations.md, "Backfilling the indexes": whose mistake a refused start key is. */
class IndexBackfillTest {

    private final BackfillScan store = mock(BackfillScan.class);
    private final IndexBackfill backfill = new IndexBackfill(store, 1, 10);

    @Test
    void anAfterTheSegmentDoesNotHoldIsTheCallersMistake() {
        when(store.backfillScan(eq(1), eq(4), eq("t7"), anyInt()))
                .thenThrow(new BackfillScan.ScanStartRejected("after t7 is not where segment 1 of 4 goes on", null));
        assertThrows(IndexBackfill.InvalidStart.class, () -> backfill.run(1, 4, "t7", () -> Long.MAX_VALUE));
    }

    @Test
    void aPositionTheRunReachedItselfRefusedIsAFailureNotTheCallersMistake() {
        when(store.backfillScan(eq(1), eq(4), eq("t7"), anyInt()))
                .thenReturn(new ScanPage<BackfillCandidate>(List.of(), 10, 1.0, "t9"));
        when(store.backfillScan(eq(1), eq(4), eq("t9"), anyInt()))
                .thenThrow(new BackfillScan.ScanStartRejected("after t9 is not where segment 1 of 4 goes on", null));
        assertThrows(BackfillScan.ScanStartRejected.class, () -> backfill.run(1, 4, "t7", () -> Long.MAX_VALUE));
    }

    @Test
    void anInvocationOutOfTimeStillFinishesTheFirstTaskOfThePageItReadSoEachGoesFurther() {
        BackfillCandidate first = new BackfillCandidate("a", false, null, false, "c1", false, null, false, null);
        BackfillCandidate second = new BackfillCandidate("b", false, null, false, "c1", false, null, false, null);
        when(store.backfillScan(eq(0), eq(1), eq(null), anyInt()))
                .thenReturn(new ScanPage<>(List.of(first, second), 2, 1.0, null));
        when(store.addToListIndex(first)).thenReturn(true);
        int[] checks = {0};
        LongSupplier remaining = () -> checks[0]++ == 0 ? 1 : 0; // time for the page, then none

        IndexBackfill.Report report = backfill.run(0, 1, null, remaining);

        assertEquals(1, report.listAdded());
        assertEquals("a", report.continueAfter());
        assertFalse(report.done());
        verify(store, never()).addToListIndex(second);
    }
}
