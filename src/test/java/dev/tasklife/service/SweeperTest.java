package dev.tasklife.service;

import static dev.tasklife.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.SweepEntry;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Timer;
import dev.tasklife.domain.Verdict;
import dev.tasklife.store.IndexPage;
import dev.tasklife.store.IndexQueries;
import dev.tasklife.store.TaskReads;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sweep without the emulator: its index and its records are stubs, so that every finding, the isolation of
 * each task, the paging and the deadline are checked in milliseconds (the index queries themselves run on moto).
 */
class SweeperTest {

    private static final Instant NOW = T0.plusSeconds(3600);
    private static final int PAGE = 2;

    private final IndexQueries index = mock(IndexQueries.class);
    private final TaskReads tasks = mock(TaskReads.class);
    private final StatusChangeService statusChanges = mock(StatusChangeService.class);
    /** The index as the stub holds it: the entries under each key, oldest first. */
    private final Map<String, List<SweepEntry>> entries = new LinkedHashMap<>();
    /** The records the stub holds; an id without one moved on (or never was). */
    private final Map<String, TaskRecord> records = new HashMap<>();
    private final Map<String, String> unreadable = new HashMap<>();
    /** The "before" each key was queried with. */
    private final Map<String, Instant> queriedBefore = new HashMap<>();

    @BeforeEach
    void stubs() {
        when(statusChanges.lifecycle()).thenReturn(Fixtures.LIFECYCLE);
        for (Timer timer : Timer.values()) {
            when(index.sweepKeys(timer)).thenReturn(List.of(timer + "#0", timer + "#1"));
        }
        when(index.sweepCandidates(anyString(), any(), any(), anyInt())).thenAnswer(call -> {
            String key = call.getArgument(0);
            queriedBefore.put(key, call.getArgument(1));
            Map<String, AttributeValue> from = call.getArgument(2);
            int start = from == null ? 0 : Integer.parseInt(from.get("at").n());
            List<SweepEntry> all = entries.getOrDefault(key, List.of());
            int end = Math.min(all.size(), start + (int) call.getArgument(3));
            Map<String, AttributeValue> next = end < all.size() ? Map.of("at", AttributeValue.fromN("" + end)) : null;
            return new IndexPage<>(all.subList(start, end), List.of(), next, 0.5);
        });
        when(tasks.findAll(any(), anyBoolean())).thenAnswer(call -> {
            Map<String, TaskRecord> found = new LinkedHashMap<>();
            Map<String, String> cannot = new LinkedHashMap<>();
            for (String id : (Collection<String>) call.getArgument(0)) {
                if (records.containsKey(id)) {
                    found.put(id, records.get(id));
                } else if (unreadable.containsKey(id)) {
                    cannot.put(id, unreadable.get(id));
                }
            }
            return new TaskReads.Records(found, cannot, found.size() * 0.5);
        });
        when(statusChanges.apply(any(TaskEvent.class), any(TaskRecord.class))).thenAnswer(call -> {
            TaskEvent.SweepFinding finding = call.getArgument(0);
            return new StatusChangeResult(Verdict.APPLIED, finding.taskId(), finding.eventId(), Phase.STOPPED, null,
                    null, finding.version() + 1, null, null);
        });
    }

    private Sweeper sweeper() {
        return new Sweeper(index, tasks, statusChanges, Clock.fixed(NOW, ZoneOffset.UTC), 1_000, PAGE);
    }

    /** A task waiting on {@code timer} since {@code since}, its record as the index shows it. */
    private void waiting(Timer timer, int shard, String taskId, Phase phase, Instant since) {
        entries.computeIfAbsent(timer + "#" + shard, key -> new ArrayList<>()).add(new SweepEntry(taskId, since, phase,
                3, false, null, null, null));
        records.put(taskId, Fixtures.record(taskId, phase, 3).build());
    }

    @Test
    void eachWaitIsReadUpToItsOwnTimeAndEveryDueTaskGetsItsFinding() {
        waiting(Timer.UNREACHABLE, 0, "expired", Phase.UNREACHABLE, NOW.minusSeconds(900));
        waiting(Timer.UNREACHABLE, 1, "fresh", Phase.UNREACHABLE, NOW.minusSeconds(899));
        waiting(Timer.STEP, 0, "stuck", Phase.ACTIVATING, NOW.minusSeconds(700));
        waiting(Timer.KILL, 1, "unconfirmed", Phase.STOPPING, NOW.minusSeconds(60));
        waiting(Timer.LAUNCH, 0, "overdue", Phase.PENDING, NOW.minusSeconds(300));
        waiting(Timer.TOMBSTONE, 1, "ghost", Phase.STOPPED, NOW);
        waiting(Timer.RETAIN, 0, "long-stopped", Phase.STOPPED, NOW.minusSeconds(30L * 24 * 3600));

        SweepReport report = sweeper().sweep(() -> 60_000);

        assertEquals(NOW, queriedBefore.get("UNREACHABLE#0"), "whether it is due depends on the task's strategy");
        assertEquals(NOW.minusSeconds(Fixtures.POLICY.stepTimeoutSeconds()), queriedBefore.get("STEP#1"));
        assertEquals(NOW.minusSeconds(Fixtures.POLICY.killRetrySeconds()), queriedBefore.get("KILL#0"));
        assertEquals(NOW.minusSeconds(Fixtures.POLICY.launchTimeoutSeconds()), queriedBefore.get("LAUNCH#1"));
        assertEquals(NOW, queriedBefore.get("TOMBSTONE#0"));
        assertEquals(NOW.minusSeconds(Fixtures.POLICY.retainStoppedSeconds()), queriedBefore.get("RETAIN#1"));
        assertEquals(12, report.queries(), "every key of every wait, one page each");
        assertEquals(7, report.read());
        assertEquals(1, report.notDue());
        assertEquals(List.of(1, 1, 1, 1, 1, 1), List.of(report.expunged(), report.stepsTimedOut(),
                report.killsRetried(), report.launchesOverdue(), report.compacted(), report.stoppedCompacted()));
        assertEquals(1, report.killAttemptsMax(), "the attempt this retry made, for a task with none recorded");
        assertEquals(Map.of("expired", Finding.UNREACHABLE_EXPIRED), findingsFor("expired"));
        assertFalse(report.stoppedEarly());
    }

    /** The findings applied to one task. */
    private Map<String, Finding> findingsFor(String taskId) {
        ArgumentCaptor<TaskEvent> events = ArgumentCaptor.forClass(TaskEvent.class);
        verify(statusChanges, atLeastOnce()).apply(events.capture(), any(TaskRecord.class));
        Map<String, Finding> found = new HashMap<>();
        events.getAllValues().stream().map(TaskEvent.SweepFinding.class::cast)
                .filter(finding -> finding.taskId().equals(taskId))
                .forEach(finding -> found.put(finding.taskId(), finding.finding()));
        return found;
    }

    @Test
    void aTaskThatCannotBeReadOrWrittenFailsAloneAndTheOthersAreSwept() {
        waiting(Timer.STEP, 0, "poison", Phase.ACTIVATING, NOW.minusSeconds(700));
        waiting(Timer.STEP, 0, "refused", Phase.ACTIVATING, NOW.minusSeconds(700));
        waiting(Timer.STEP, 0, "fine", Phase.ACTIVATING, NOW.minusSeconds(700));
        waiting(Timer.STEP, 1, "gone", Phase.ACTIVATING, NOW.minusSeconds(700));
        records.remove("poison");
        unreadable.put("poison", "No enum constant dev.tasklife.domain.Phase.PAUSED");
        records.remove("gone");
        when(statusChanges.apply(any(TaskEvent.class), argThat(
                (TaskRecord record) -> record != null && record.taskId().equals("refused"))))
                .thenThrow(new IllegalStateException("item too large"));

        SweepReport report = sweeper().sweep(() -> 60_000);

        assertEquals(2, report.failed(), "the unreadable one and the one whose write failed");
        assertEquals(1, report.stepsTimedOut(), "the others are swept");
        assertEquals(1, report.movedOn(), "one whose record is gone since the index showed it");
    }

    @Test
    void theIndexIsReadPageByPageAndTheDueTasksOfAPageInOneRead() {
        for (int i = 0; i < 5; i++) {
            waiting(Timer.LAUNCH, 0, "overdue" + i, Phase.PENDING, NOW.minusSeconds(400));
        }

        SweepReport report = sweeper().sweep(() -> 60_000);

        assertEquals(5, report.launchesOverdue());
        assertEquals(3 + 11, report.queries(), "three pages of 2 for LAUNCH#0, one for each of the 11 other keys");
        verify(tasks, times(3)).findAll(any(), eq(false));
    }

    @Test
    void aSweepStopsBeforeItsDeadlineAndSaysSo() {
        for (int i = 0; i < 4; i++) {
            waiting(Timer.UNREACHABLE, 0, "lost" + i, Phase.UNREACHABLE, NOW.minusSeconds(1_000));
        }
        AtomicInteger checks = new AtomicInteger();

        // Time runs short after the first page's first task.
        SweepReport report = sweeper().sweep(() -> checks.incrementAndGet() <= 2 ? 60_000 : 999);

        assertTrue(report.stoppedEarly());
        assertEquals(1, report.expunged(), "the rest is left for the next run");
    }

    @Test
    void nothingDueMeansNoRecordIsRead() {
        waiting(Timer.UNREACHABLE, 0, "fresh", Phase.UNREACHABLE, NOW.minusSeconds(10));

        SweepReport report = sweeper().sweep(() -> 60_000);

        assertEquals(1, report.notDue());
        verify(tasks, never()).findAll(any(), anyBoolean());
    }
}
