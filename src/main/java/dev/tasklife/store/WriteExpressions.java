package dev.tasklife.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tasklife.domain.Assumption;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Guard;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Timer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The one conditional write of a {@link TaskChange}, as DynamoDB expressions, built here and nowhere else: the
 * condition is the change's {@link Guard} (the allowed predecessor phases, the version decided on or, for a blind
 * write, the source's order, the room for another key and what it assumed; never the dedupe key of an event applied
 * before), and the update makes the move, its history entry, the version bump, the task's index keys and every field
 * the change carries together. Event data enters only as placeholders' values.
 *
 * <p>An item keeps at most {@code kept} moves and dedupe keys. A blind write appends to a list with room, and rolls
 * one it guesses full (drops its oldest element as it adds: the list keeps its length), each form holding only for
 * the list as it guessed it ({@link FullWindows}); a write decided on the record rewrites the kept part from it,
 * down to the newest half once full ({@link KeptMoves}). No write ever makes the item grow past the bound.
 */
final class WriteExpressions {

    private final IndexKeys keys;
    private final int kept;

    WriteExpressions(IndexKeys keys, int kept) {
        if (kept < 2) {
            throw new IllegalArgumentException("an item must keep at least 2 moves, not " + kept);
        }
        this.keys = keys;
        this.kept = kept;
    }

    /**
     * The one conditional update a change is: its condition, its update, its placeholders; the item as it was comes
     * back when the condition fails.
     *
     * @param decidedOn the record a change guarded by its version was decided on (its kept history and keys are
     *     written from it); null for a blind change
     * @param full which of the task's lists a blind change takes to be full (it rolls them); unused when decided
     */
    Update update(String tableName, TaskChange change, TaskRecord decidedOn, FullWindows full) {
        Expression expression = new Expression();
        KeptMoves window = change.guard().isBlind() ? null : KeptMoves.after(decidedOn, kept);
        return Update.builder()
                .tableName(tableName)
                .key(TaskTable.key(change.taskId()))
                .updateExpression(updateExpression(change, decidedOn, window, full, expression))
                .conditionExpression(conditionExpression(change, kept, full, expression))
                .expressionAttributeNames(expression.names)
                .expressionAttributeValues(expression.values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    static String conditionExpression(TaskChange change, int kept, FullWindows full, Expression expression) {
        Guard guard = change.guard();
        List<AttributeValue> keyForms = storedForms(change);
        List<String> clauses = new ArrayList<>();
        String status = expression.name(TaskItems.LAST_STATUS);
        String phases = guard.phases().isEmpty() ? null
                : status + " IN (" + guard.phases().stream().sorted()
                        .map(phase -> expression.value(phase.name()))
                        .collect(Collectors.joining(", ")) + ")";
        if (guard.mayCreate()) {
            String absent = "attribute_not_exists(" + status + ")";
            clauses.add(phases == null ? absent : "(" + absent + " OR " + phases + ")");
        } else {
            clauses.add(phases);
        }
        if (guard.isBlind()) {
            if (change.ecsVersion() != null) {
                clauses.add(notAtOrBeyond(expression, TaskItems.ECS_VERSION, change.ecsVersion(), "<"));
            }
            if (change.agentTimestampMicros() != null) {
                clauses.add(notAtOrBeyond(expression, TaskItems.AGENT_TIMESTAMP, change.agentTimestampMicros(), "<="));
                String agentKey = expression.name(TaskItems.AGENT_KEY);
                clauses.add("(attribute_not_exists(" + agentKey + ") OR (" + keyForms.stream()
                        .map(form -> agentKey + " <> " + expression.value(form))
                        .collect(Collectors.joining(" AND ")) + "))");
            }
            // A record in the former layout, or with its lists not as guessed, is rewritten by a write decided on it;
            // so is one wanted STOPPED that is older than the decommissioned flag, which that write then carries.
            clauses.add("attribute_not_exists(" + expression.name(TaskItems.FORMER_APPLIED_KEYS) + ")");
            String decommissioned = expression.name(TaskItems.DECOMMISSIONED);
            String desired = expression.name(TaskItems.DESIRED_STATUS);
            clauses.add("(attribute_exists(" + decommissioned + ") OR attribute_not_exists(" + desired + ") OR "
                    + desired + " <> " + expression.value(DesiredStatus.STOPPED.name()) + ")");
            if (change.moveTo() != null) {
                clauses.add(asGuessed(TaskItems.HISTORY, full.history(), kept, expression));
            }
            if (!change.forgetKey()) {
                clauses.add(asGuessed(TaskItems.APPLIED_KEYS, full.keys(), kept, expression));
            }
            if (change.keepOutcome() && change.outcome() != null
                    && !guard.assumptions().contains(Assumption.NOT_ENDED)) {
                clauses.add(clause(Assumption.NOT_ENDED, expression));
            }
            if (reasonIsStopReason(change, null)) {
                String stopReason = expression.name(TaskItems.STOP_REASON);
                clauses.add("(attribute_not_exists(" + stopReason + ") OR " + stopReason + " = "
                        + expression.value(change.stopReason()) + ")");
            }
        } else {
            clauses.add(expression.name(TaskItems.VERSION) + " = " + expression.number(guard.version()));
        }
        guard.assumptions().stream().sorted().forEach(assumption -> clauses.add(clause(assumption, expression)));
        for (AttributeValue form : keyForms) {
            clauses.add("NOT contains(" + expression.name(TaskItems.APPLIED_KEYS) + ", " + expression.value(form)
                    + ")");
        }
        return String.join(" AND ", clauses);
    }

    /** The forms the change's dedupe key may be kept in: compact, and as text where that differs (written before). */
    private static List<AttributeValue> storedForms(TaskChange change) {
        AttributeValue compact = TaskItems.compactId(change.dedupeKey());
        return compact.b() == null ? List.of(compact) : List.of(compact, AttributeValue.fromS(change.dedupeKey()));
    }

    /**
     * A list a blind write appends to has room; one it rolls is at least half full, which a list once full stays
     * ({@link KeptMoves}), so a guess of full made from an older record still holds. (For a task since compacted, or
     * an id new again, the list is absent, which fails the condition as it should.)
     */
    private static String asGuessed(String list, boolean full, int kept, Expression expression) {
        String name = expression.name(list);
        return full ? "(attribute_exists(" + name + ") AND size(" + name + ") >= " + expression.number(kept / 2) + ")"
                : "(attribute_not_exists(" + name + ") OR size(" + name + ") < " + expression.number(kept) + ")";
    }

    /**
     * Whether the change's outcome reason is the stop reason the item holds once it is written: the record's (a
     * write decided on it), or the change's own, which a blind write then requires the item to hold or lack
     * ({@link #conditionExpression}).
     */
    static boolean reasonIsStopReason(TaskChange change, TaskRecord decidedOn) {
        String stopReason = decidedOn != null && decidedOn.stopReason() != null ? decidedOn.stopReason()
                : change.stopReason();
        return change.outcomeReason() != null && change.outcomeReason().equals(stopReason);
    }

    private static String clause(Assumption assumption, Expression expression) {
        return switch (assumption) {
            case NO_ACTIVATION_STEP -> "NOT contains(" + expression.name(TaskItems.STEPS) + ", "
                    + expression.value(Step.ACTIVATION.name()) + ")";
            case NO_DEPROVISIONING_STEP -> "NOT contains(" + expression.name(TaskItems.STEPS) + ", "
                    + expression.value(Step.DEPROVISIONING.name()) + ")";
            case NOT_REPLACED_ON_FAILURE -> "attribute_not_exists(" + expression.name(TaskItems.REPLACE_ON_FAILURE)
                    + ")";
            case NOT_REPLACED -> "attribute_not_exists(" + expression.name(TaskItems.REPLACED_BY) + ")";
            case NO_STOP_REQUESTED -> {
                String desired = expression.name(TaskItems.DESIRED_STATUS);
                yield "(attribute_not_exists(" + desired + ") OR " + desired + " <> "
                        + expression.value(DesiredStatus.STOPPED.name()) + ")";
            }
            case NO_DEACTIVATION_STEP -> "NOT contains(" + expression.name(TaskItems.STEPS) + ", "
                    + expression.value(Step.DEACTIVATION.name()) + ")";
            case NOT_ENDED -> "attribute_not_exists(" + expression.name(TaskItems.OUTCOME) + ")";
            case NOT_ECS_TASK -> "attribute_not_exists(" + expression.name(TaskItems.TASK_ARN) + ")";
            case NOT_AGENT_TASK -> "(attribute_not_exists(" + expression.name(TaskItems.LAST_STATUS)
                    + ") OR attribute_exists(" + expression.name(TaskItems.TASK_ARN) + "))";
            case NOT_EXPUNGED -> "attribute_not_exists(" + expression.name(TaskItems.EXPUNGED_AT) + ")";
            case NO_STOP_CODE_RECORDED -> "attribute_not_exists(" + expression.name(TaskItems.STOP_CODE) + ")";
        };
    }

    private static String notAtOrBeyond(Expression expression, String attribute, long value, String operator) {
        String name = expression.name(attribute);
        return "(attribute_not_exists(" + name + ") OR " + name + " " + operator + " " + expression.number(value)
                + ")";
    }

    /**
     * @param decidedOn the record a change guarded by its version was decided on
     * @param window what a write decided on the record keeps of its history and keys (before this change's own),
     *     or null for a blind write, which appends to them or rolls them
     * @param full the lists a blind write rolls
     */
    String updateExpression(TaskChange change, TaskRecord decidedOn, KeptMoves window, FullWindows full,
                            Expression expression) {
        UpdateClauses update = new UpdateClauses(expression);
        update.increment(TaskItems.VERSION);
        String at = expression.value(TaskItems.time(change.at()));
        update.add(expression.name(TaskItems.UPDATED_AT) + " = " + at);
        if (change.compact()) {
            update.add(expression.name(TaskItems.COMPACTED_AT) + " = " + at);
            return update + compaction(expression);
        }
        update.add(update.ifAbsent(TaskItems.CREATED_AT, at));
        moveAndKeys(update, change, window, full);
        waits(update, change, decidedOn, at);
        reports(update, change, decidedOn);
        identity(update, change);
        flags(update, change, decidedOn, window, at);
        return update.toString();
    }

    /** The phase entered, its history entry and the event's dedupe key: appended or rolled, or the kept part rewritten. */
    private void moveAndKeys(UpdateClauses update, TaskChange change, KeptMoves window, FullWindows full) {
        List<AttributeValue> entries = List.of();
        if (change.moveTo() != null) {
            update.set(TaskItems.LAST_STATUS, change.moveTo().name());
            entries = List.of(TaskItems.historyEntry(new HistoryEntry(change.moveTo(), change.cause(),
                    change.dedupeKey(), change.at())));
        }
        List<AttributeValue> keysAdded = change.forgetKey() ? List.of()
                : List.of(TaskItems.compactId(change.dedupeKey()));
        if (window == null) {
            if (addIfAny(update, TaskItems.HISTORY, entries, full.history())) {
                // The entry rolled out is counted, and the phase it entered kept as the origin of the first one kept.
                Expression expression = update.expression();
                update.increment(TaskItems.EARLIER_MOVES);
                update.add(expression.name(TaskItems.EARLIER_PHASE) + " = " + expression.name(TaskItems.HISTORY)
                        + "[0]." + expression.name(TaskItems.ENTRY_TO));
            }
            addIfAny(update, TaskItems.APPLIED_KEYS, keysAdded, full.keys());
        } else {
            window.rewrite(update, entries, keysAdded);
        }
    }

    /**
     * The index entries that time the task's waits: the sweep index's (the wait the change leaves it on,
     * {@link Timer#after}), a kill requested, and the reconcile index's (a live task from its source's first report
     * until it stops; every report written, a move or not, says it was heard from; no report is ever written to a
     * STOPPED task).
     */
    private void waits(UpdateClauses update, TaskChange change, TaskRecord decidedOn, String at) {
        switch (Timer.after(change, decidedOn)) {
            case Timer.Started started -> {
                update.set(TaskItems.SWEEP_KIND, keys.sweepKey(started.timer(), change.taskId()));
                update.set(TaskItems.SWEEP_SINCE, started.since().toEpochMilli());
            }
            case Timer.Cleared cleared -> {
                update.remove(TaskItems.SWEEP_KIND);
                update.remove(TaskItems.SWEEP_SINCE);
            }
            case Timer.Kept unchanged -> {
            }
        }
        if (change.requestKill()) {
            update.increment(TaskItems.KILLS_REQUESTED);
            update.add(update.expression().name(TaskItems.KILL_REQUESTED_AT) + " = " + at);
        }
        ReconcileKind source = change.ecsVersion() != null ? ReconcileKind.ECS
                : change.agentTimestampMicros() != null ? ReconcileKind.AGENT : null;
        if (change.moveTo() == Phase.STOPPED) {
            update.remove(TaskItems.RECONCILE_KEY);
            update.remove(TaskItems.HEARD_AT);
        } else if (source != null) {
            update.set(TaskItems.RECONCILE_KEY, keys.reconcileKey(source, change.taskId()));
            update.set(TaskItems.HEARD_AT, change.at().toEpochMilli());
        }
    }

    /**
     * What the sources say of the task: its desired status, its agent's state and order, its outcome. An outcome
     * reason that is the task's stop reason (an ECS task's stoppedReason, an overdue launch) is not stored twice: a
     * flag says so ({@link #reasonIsStopReason}).
     */
    private static void reports(UpdateClauses update, TaskChange change, TaskRecord decidedOn) {
        if (change.desiredStatus() != null) {
            update.setMaybeIfAbsent(TaskItems.DESIRED_STATUS, change.desiredStatus(), change.keepDesiredStatus());
        }
        update.setIfPresent(TaskItems.AGENT_STATE, change.agentState());
        update.setIfPresent(TaskItems.AGENT_TIMESTAMP, change.agentTimestampMicros());
        if (change.agentTimestampMicros() != null && !change.forgetKey()) {
            update.set(TaskItems.AGENT_KEY, TaskItems.compactId(change.dedupeKey()));
        }
        if (change.outcome() != null) {
            update.setMaybeIfAbsent(TaskItems.OUTCOME, change.outcome(), change.keepOutcome());
        }
        // An outcome kept keeps its reason: a write decided on a record with an outcome writes none; a blind write
        // that keeps one holds only where there is none yet (its condition), so it writes the reason as its own.
        boolean outcomeKept = change.keepOutcome() && decidedOn != null && decidedOn.outcome() != null;
        if (change.outcomeReason() != null && !outcomeKept) {
            boolean flagged = reasonIsStopReason(change, decidedOn);
            update.set(flagged ? TaskItems.OUTCOME_REASON_IS_STOP_REASON : TaskItems.OUTCOME_REASON,
                    flagged ? AttributeValue.fromBool(true) : change.outcomeReason());
            update.remove(flagged ? TaskItems.OUTCOME_REASON : TaskItems.OUTCOME_REASON_IS_STOP_REASON);
        }
        update.setIfPresent(TaskItems.ECS_VERSION, change.ecsVersion());
    }

    /** Identity, launch settings, links and ECS's times never change for a task: first writer wins. */
    private void identity(UpdateClauses update, TaskChange change) {
        update.setIfAbsent(TaskItems.CLUSTER, TaskItems.clusterToStore(change.cluster(), change.taskArn()));
        update.setIfAbsent(TaskItems.LIST_KEY, change.cluster() == null ? null
                : keys.listKey(change.cluster(), change.taskId()));
        update.setIfAbsent(TaskItems.TASK_ARN, change.taskArn());
        update.setIfAbsent(TaskItems.SERVICE, change.service());
        update.setIfAbsent(TaskItems.INACTIVE_AFTER, change.inactiveAfterSeconds());
        update.setIfAbsent(TaskItems.EXPUNGE_AFTER, change.expungeAfterSeconds());
        update.setIfAbsent(TaskItems.STOP_REASON, change.stopReason());
        update.setIfAbsent(TaskItems.STOP_CODE, change.stopCode());
        update.setIfAbsent(TaskItems.REPLACEMENT_OF, change.replacementOf());
        update.setIfAbsent(TaskItems.REPLACED_BY, change.replacedBy());
        if (change.releasedReplacement() != null) {
            update.remove(TaskItems.REPLACED_BY);
            update.set(TaskItems.RELEASED_REPLACEMENT, change.releasedReplacement());
        }
        update.setIfPresent(TaskItems.SURPLUS_KEPT, change.surplusKept());
        update.setIfPresent(TaskItems.SURPLUS_STOPPED, change.surplusStopped());
        update.setIfAbsent(TaskItems.KILL_SELECTION, change.killSelection());
        update.setIfAbsent(TaskItems.LAUNCHED_AT, millis(change.launchedAt()));
        update.setIfAbsent(TaskItems.STARTED_AT, millis(change.startedAt()));
        update.setIfAbsent(TaskItems.STOPPED_AT, millis(change.stoppedAt()));
        if (!change.steps().isEmpty()) {
            update.setIfAbsent(TaskItems.STEPS, AttributeValue.fromSs(
                    change.steps().stream().map(Step::name).sorted().toList()));
        }
    }

    /** The flags: decommissioned (always written), replaced on failure, expunged. */
    private static void flags(UpdateClauses update, TaskChange change, TaskRecord decidedOn, KeptMoves window,
                              String at) {
        // Always written, so that an item without it is known to be older than the flag (TaskItems reads those).
        boolean decommissioned = change.decommission() || (window != null && decidedOn.decommissioned());
        if (decommissioned || window != null) {
            update.set(TaskItems.DECOMMISSIONED, AttributeValue.fromBool(decommissioned));
        } else {
            // A blind write never lands on an item older than the flag and wanted STOPPED (its condition).
            update.setIfAbsent(TaskItems.DECOMMISSIONED, AttributeValue.fromBool(false));
        }
        if (change.replaceOnFailure()) {
            update.setIfAbsent(TaskItems.REPLACE_ON_FAILURE, AttributeValue.fromBool(true));
        }
        if (change.tombstoneUntil() != null) {
            update.set(TaskItems.TOMBSTONE_UNTIL, change.tombstoneUntil());
            update.add(update.expression().name(TaskItems.EXPUNGED_AT) + " = " + at);
        }
    }

    /**
     * Appends a blind write's element to a list, or rolls the full list: the element set past its end (which appends
     * it) and the oldest removed, in one update (DynamoDB evaluates both on the item as it was).
     *
     * @return whether it rolled the list (dropped an element)
     */
    private boolean addIfAny(UpdateClauses update, String attribute, List<AttributeValue> elements, boolean roll) {
        if (elements.isEmpty()) {
            return false;
        }
        Expression expression = update.expression();
        String name = expression.name(attribute);
        if (roll) {
            update.add(name + "[" + kept + "] = " + expression.value(elements.getFirst()));
            update.removePath(name + "[0]");
        } else {
            update.add(name + " = list_append(if_not_exists(" + name + ", " + expression.emptyList() + "), "
                    + expression.value(AttributeValue.fromL(elements)) + ")");
        }
        return roll;
    }

    /**
     * What compacting a STOPPED task drops: its story and what only mattered while it lived (its waits and kills).
     * What stays (phase, outcome, the sources' order, identity, lineage, {@code expungedAt}) keeps it dead and still
     * describable and listed. The agent's last key goes too: every later report of a STOPPED task is STALE by its
     * timestamp or changes nothing, so a repeat of the last one is answered UNCHANGED rather than DUPLICATE.
     */
    private static String compaction(Expression expression) {
        return " REMOVE " + Stream.of(TaskItems.HISTORY, TaskItems.APPLIED_KEYS, TaskItems.FORMER_HISTORY,
                        TaskItems.FORMER_APPLIED_KEYS, TaskItems.EARLIER_MOVES, TaskItems.EARLIER_PHASE,
                        TaskItems.OUTCOME_REASON, TaskItems.OUTCOME_REASON_IS_STOP_REASON, TaskItems.STOP_REASON,
                        TaskItems.STEPS, TaskItems.INACTIVE_AFTER,
                        TaskItems.EXPUNGE_AFTER, TaskItems.TOMBSTONE_UNTIL, TaskItems.SWEEP_KIND,
                        TaskItems.SWEEP_SINCE, TaskItems.LAUNCHED_AT, TaskItems.KILLS_REQUESTED,
                        TaskItems.KILL_REQUESTED_AT, TaskItems.KILL_SELECTION, TaskItems.AGENT_KEY)
                .map(expression::name).collect(Collectors.joining(", "));
    }

    private static Long millis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }
}
