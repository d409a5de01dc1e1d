package dev.tasklife.store;

import java.util.ArrayList;
import java.util.List;

import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a write decided on a record keeps of its history and dedupe keys: all of them, or once {@code kept} are
 * reached the newest {@code kept / 2} of each; the moves dropped are counted, and the phase the last of them
 * entered is kept as the origin of the first move kept. A list is thus never shorter than half once it was half
 * full, which is what lets a blind write roll it ({@link WriteExpressions}).
 */
record KeptMoves(List<HistoryEntry> history, List<String> keys, long earlierMoves, Phase earlierPhase) {

    static KeptMoves after(TaskRecord record, int kept) {
        List<HistoryEntry> history = record.history();
        List<String> keys = List.copyOf(record.appliedKeys());
        if (Math.max(history.size(), keys.size()) < kept) {
            return new KeptMoves(history, keys, record.earlierMoves(), record.earlierPhase());
        }
        int newest = kept / 2;
        int dropped = Math.max(0, history.size() - newest);
        return new KeptMoves(history.subList(dropped, history.size()),
                keys.subList(Math.max(0, keys.size() - newest), keys.size()),
                record.earlierMoves() + dropped,
                dropped == 0 ? record.earlierPhase() : history.get(dropped - 1).to());
    }

    /** Writes the kept part with this write's own entry and key added; drops the former layout's. */
    void rewrite(UpdateClauses update, List<AttributeValue> entries, List<AttributeValue> keysAdded) {
        List<AttributeValue> allEntries = new ArrayList<>(history.stream().map(TaskItems::historyEntry).toList());
        allEntries.addAll(entries);
        List<AttributeValue> allKeys = new ArrayList<>(keys.stream().map(TaskItems::compactId).toList());
        allKeys.addAll(keysAdded);
        update.setOrRemove(TaskItems.HISTORY, allEntries.isEmpty() ? null : AttributeValue.fromL(allEntries));
        update.setOrRemove(TaskItems.APPLIED_KEYS, allKeys.isEmpty() ? null : AttributeValue.fromL(allKeys));
        update.setOrRemove(TaskItems.EARLIER_MOVES,
                earlierMoves == 0 ? null : AttributeValue.fromN(Long.toString(earlierMoves)));
        update.setOrRemove(TaskItems.EARLIER_PHASE,
                earlierPhase == null ? null : AttributeValue.fromS(TaskItems.phaseCode(earlierPhase)));
        update.remove(TaskItems.FORMER_HISTORY);
        update.remove(TaskItems.FORMER_APPLIED_KEYS);
    }
}
