package dev.tasklife.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.tasklife.Fixtures;
import dev.tasklife.VerdictCases;
import dev.tasklife.VerdictCases.Case;
import dev.tasklife.domain.TaskEvent.SweepFinding;

/**
 * lifecycle.md, "Every well-formed event gets a verdict", decided exhaustively on the domain: every event kind against
 * every record ({@link VerdictCases}), each decision checked against the rules every verdict keeps. And where a blind
 * first attempt's condition would hold on the record (its guard and assumptions, evaluated here as DynamoDB evaluates
 * the condition the store builds from them), the blind write must be the write the record would decide: the blind
 * path never lands where an informed decision would do something else. The store's own effects are checked on a sample
 * of the same combinations through the emulator ({@code it.VerdictCoverageIT}).
 */
class EveryVerdictTest {

    private static final Lifecycle LIFECYCLE = Fixtures.LIFECYCLE;
    /** The moves and keys an item keeps by default (application.properties). */
    private static final int KEPT = 10;

    @Test
    void everyEventAgainstEveryRecordGetsAVerdictKeepsTheRulesAndEveryBlindWriteIsTheDecidedOne() {
        List<String> broken = new ArrayList<>();
        int combinations = 0;
        int blindHolds = 0;
        int eventKinds = VerdictCases.events("x").size();
        for (int e = 0; e < eventKinds; e++) {
            for (Case base : VerdictCases.records("e" + e)) {
                TaskRecord record = base.record();
                TaskEvent event = base.meets(e);
                if (event == null) {
                    continue;
                }
                combinations++;
                String label = base.label(event);
                try {
                    Decision decided = record == null ? null : LIFECYCLE.decide(event, record, id -> Optional.empty());
                    broken.addAll(VerdictCases.brokenRules(label, record, event, verdictOf(decided, record),
                            phaseAfter(decided, record), expungedAfter(decided, record)));
                    TaskChange blind = LIFECYCLE.firstAttempt(event);
                    if (blind != null && record != null && holds(blind, record)) {
                        blindHolds++;
                        broken.addAll(blindIsTheDecidedWrite(label, blind, decided, record));
                    }
                } catch (RuntimeException thrown) {
                    broken.add(label + ": threw " + thrown);
                }
            }
        }
        System.out.printf("every verdict: %d combinations, %d where a blind write would land%n", combinations,
                blindHolds);
        assertEquals(List.of(), broken, broken.size() + " of " + combinations + " combinations broke a rule");
        assertTrue(combinations > 3_000 && blindHolds > 100, combinations + " / " + blindHolds);
    }

    private static Verdict verdictOf(Decision decision, TaskRecord record) {
        return switch (decision) {
            case null -> Verdict.APPLIED; // no record: the blind attempt creates it (or it is rejected: none here)
            case Decision.Write write -> write.change().moveTo() == null ? Verdict.UPDATED : Verdict.APPLIED;
            case Decision.Skip skip -> skip.verdict();
            case Decision.Reject reject -> Verdict.REJECTED;
            case Decision.Refuse refuse -> Verdict.INVALID;
        };
    }

    private static Phase phaseAfter(Decision decision, TaskRecord record) {
        if (decision instanceof Decision.Write write && write.change().moveTo() != null) {
            return write.change().moveTo();
        }
        return record == null ? null : record.lastStatus();
    }

    private static boolean expungedAfter(Decision decision, TaskRecord record) {
        return (record != null && record.isExpunged())
                || (decision instanceof Decision.Write write && write.change().tombstoneUntil() != null);
    }

    /**
     * A blind write that would land on this record must be what the record decides: the same move (or none), and
     * nothing the record would add (a kill, a replacement, an expunge, a companion's write) that a blind write cannot.
     */
    private static List<String> blindIsTheDecidedWrite(String label, TaskChange blind, Decision decided,
                                                       TaskRecord record) {
        List<String> broken = new ArrayList<>();
        String where = label + " on " + record.lastStatus() + ": the blind write would land";
        switch (decided) {
            case Decision.Write write -> {
                TaskChange change = write.change();
                if (change.moveTo() != blind.moveTo()) {
                    broken.add(where + " moving to " + blind.moveTo() + ", the record decides " + change.moveTo());
                }
                if (change.requestKill() || change.replacement() != null || change.tombstoneUntil() != null
                        || !change.companions().isEmpty()) {
                    broken.add(where + " without what the record decides with its move: " + change);
                }
            }
            // Agreeing with the record: the blind write rewrites what is there (UPDATED for UNCHANGED).
            case Decision.Skip skip when skip.verdict() == Verdict.UNCHANGED && blind.moveTo() == null -> {
            }
            case Decision.Skip skip -> broken.add(where + " where the record says " + skip.verdict());
            case Decision.Reject reject -> broken.add(where + " where the record rejects it: " + reject.why());
            case Decision.Refuse refuse -> broken.add(where + " where the record refuses it: " + refuse.why());
        }
        return broken;
    }

    /** Whether the blind change's condition holds on the record, clause by clause as the store writes it. */
    private static boolean holds(TaskChange change, TaskRecord record) {
        Guard guard = change.guard();
        Phase phase = record.lastStatus();
        boolean phaseHolds = (guard.mayCreate() && phase == null) || (phase != null && guard.phases().contains(phase));
        boolean orderHolds = (change.ecsVersion() == null || record.ecsVersion() == null
                || record.ecsVersion() < change.ecsVersion())
                && (change.agentTimestampMicros() == null || ((record.agentTimestampMicros() == null
                        || record.agentTimestampMicros() <= change.agentTimestampMicros())
                        && !change.dedupeKey().equals(record.agentKey())));
        boolean room = !record.appliedKeys().contains(change.dedupeKey()) && record.appliedKeys().size() < KEPT;
        return phaseHolds && orderHolds && room
                && guard.assumptions().stream().allMatch(assumption -> holds(assumption).test(record));
    }

    private static Predicate<TaskRecord> holds(Assumption assumption) {
        return switch (assumption) {
            case NO_ACTIVATION_STEP -> record -> !record.steps().contains(Step.ACTIVATION);
            case NO_DEPROVISIONING_STEP -> record -> !record.steps().contains(Step.DEPROVISIONING);
            case NOT_REPLACED_ON_FAILURE -> record -> !record.replaceOnFailure();
            case NOT_REPLACED -> record -> record.replacedBy() == null;
            case NO_STOP_REQUESTED -> record -> record.desiredStatus() != DesiredStatus.STOPPED;
            case NO_DEACTIVATION_STEP -> record -> !record.steps().contains(Step.DEACTIVATION);
            case NOT_ENDED -> record -> record.outcome() == null;
            case NOT_ECS_TASK -> record -> record.taskArn() == null;
            case NOT_AGENT_TASK -> record -> record.lastStatus() == null || record.taskArn() != null;
            case NOT_EXPUNGED -> record -> record.expungedAt() == null;
            case NO_STOP_CODE_RECORDED -> record -> record.stopCode() == null;
        };
    }

    @Test
    void aSweepFindingNeedsTheRecordAndNoneIsBlind() {
        assertEquals(null, LIFECYCLE.firstAttempt(new SweepFinding(Fixtures.T0, "t1",
                SweepFinding.Finding.KILL_RETRY_DUE, Phase.STOPPING, 1)));
    }
}
