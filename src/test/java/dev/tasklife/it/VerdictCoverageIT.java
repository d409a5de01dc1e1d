package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.tasklife.VerdictCases;
import dev.tasklife.VerdictCases.Case;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskEvent.SweepFinding.Finding;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.TransitionTable;
import dev.tasklife.domain.Verdict;
import dev.tasklife.profiles.OnMoto;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.store.RecordItems;
import dev.tasklife.emulated.SeededScenarioSuite;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * lifecycle.md, "Every well-formed event gets a verdict", through the real store on the emulator: a sample of the
 * combinations {@code domain.EveryVerdictTest} decides exhaustively (every {@value #STRIDE}th of every event kind
 * against every record, {@link VerdictCases}), each record written as the functions write it and the event applied by
 * the functions' own service. No combination throws; a verdict that writes nothing leaves the item byte-identical;
 * the rules every verdict keeps hold on the item as written; the answer's fields mean one thing each.
 */
@QuarkusTest
@TestProfile(OnMoto.class)
class VerdictCoverageIT extends SeededScenarioSuite {

    /** One combination in this many goes through the emulator (7: coprime with the count of records a round). */
    static final int STRIDE = 7;

    private int combinations;

    @Test
    void everyEventAgainstEveryRecordGetsAVerdictAndKeepsTheRules() {
        List<String> broken = new ArrayList<>();
        List<String> awsFailures = new ArrayList<>();
        long started = System.nanoTime();
        int eventKinds = VerdictCases.events("x").size();
        int seen = 0;
        for (int e = 0; e < eventKinds; e++) {
            List<Case> cases = VerdictCases.records("e" + e);
            List<Case> sampled = new ArrayList<>();
            for (Case base : cases) {
                if (seen++ % STRIDE == 0) {
                    sampled.add(base);
                }
            }
            putAll(sampled);
            for (Case base : sampled) {
                TaskRecord record = base.record();
                TaskEvent event = base.meets(e);
                if (event == null) {
                    continue;
                }
                combinations++;
                String label = base.label(event);
                try {
                    check(label, record, event, broken);
                } catch (SdkException awsFailure) {
                    awsFailures.add(label + ": " + awsFailure);
                } catch (RuntimeException thrown) {
                    broken.add(label + ": threw " + thrown);
                }
            }
        }
        System.out.printf("verdict coverage: %d combinations (%d event kinds) in %.1f s; AWS failures %d %s%n",
                combinations, eventKinds, (System.nanoTime() - started) / 1e9, awsFailures.size(), awsFailures);
        assertEquals(List.of(), broken, broken.size() + " of " + combinations + " combinations broke a rule");
        assertTrue(awsFailures.size() <= combinations / 100, "AWS failures are rare: " + awsFailures);
    }

    /** Writes the records of one round, 25 to a request. */
    private void putAll(List<Case> cases) {
        List<WriteRequest> writes = cases.stream().filter(base -> base.record() != null)
                .map(base -> WriteRequest.builder().putRequest(put -> put.item(RecordItems.item(base.record())))
                        .build()).toList();
        for (int from = 0; from < writes.size(); from += 25) {
            List<WriteRequest> batch = writes.subList(from, Math.min(writes.size(), from + 25));
            Map<String, List<WriteRequest>> unprocessed = Map.of(stack.tableName, batch);
            while (!unprocessed.isEmpty()) {
                Map<String, List<WriteRequest>> request = unprocessed;
                unprocessed = stack.dynamo.batchWriteItem(write -> write.requestItems(request)).unprocessedItems();
            }
        }
    }

    private void check(String label, TaskRecord record, TaskEvent event, List<String> broken) {
        stack.clock.set(T0.plusSeconds(3600));
        Map<String, AttributeValue> before = record == null ? null : RecordItems.item(record);
        StatusChangeResult result = event instanceof TaskEvent.SweepFinding
                ? stack.service.apply(event, record) : stack.service.apply(event);
        Verdict verdict = result.verdict();
        Map<String, AttributeValue> item = stack.rawItem(event.taskId());
        TaskRecord after = RecordItems.record(item);
        boolean wrote = verdict == Verdict.APPLIED || verdict == Verdict.UPDATED;
        // A DUPLICATE may follow this very event's own write whose answer was lost (the emulator is slow to
        // answer a transaction, the SDK retries it): then the item holds the event's key.
        boolean ownWrite = verdict == Verdict.DUPLICATE && after != null
                && after.appliedKeys().contains(event.dedupeKey());
        if (!wrote && before != null && !before.equals(item) && !ownWrite) {
            broken.add(label + ": " + verdict + " but the item changed");
        }
        broken.addAll(VerdictCases.brokenRules(label, record, event, verdict,
                after == null ? null : after.lastStatus(), after != null && after.isExpunged()));
        // One meaning per field of the answer, whatever the verdict.
        if (result.phase() != (after == null ? null : after.lastStatus())) {
            broken.add(label + ": " + verdict + " answered phase " + result.phase() + " for a task "
                    + (after == null ? "not recorded" : after.lastStatus()));
        }
        if ((result.move() != null) != (verdict == Verdict.APPLIED)
                || (result.move() != null && result.move().to() != result.phase())) {
            broken.add(label + ": " + verdict + " answered move " + result.move());
        }
        if (verdict == Verdict.STALE ? result.requested() == null
                : verdict != Verdict.REJECTED && result.requested() != null) {
            broken.add(label + ": " + verdict + " answered requested " + result.requested());
        }
    }
}
