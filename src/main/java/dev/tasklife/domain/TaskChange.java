package dev.tasklife.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One conditional write to a task record, in domain terms. Null fields are left as they are. Identity and launch
 * settings (cluster, ARN, service, steps, unreachable strategy, stop reason, replacement links) are written only
 * where the record has none yet: they never change for a task.
 *
 * @param moveTo the phase to enter (appending a history entry), or null for no move
 * @param keepDesiredStatus write {@code desiredStatus} only where the record has none ({@link Builder#desiredUnlessSet})
 * @param keepOutcome write {@code outcome} only where the record has none ({@link Builder#outcomeUnlessSet})
 * @param tombstoneUntil expunge: marks the task expunged for good, describable in full until this epoch second
 * @param compact drop what a STOPPED task kept for describe (history, dedupe keys, reasons) and what mattered only
 *     while it lived, keeping the permanent marker: an expunged task once its tombstone is due, any other after the
 *     retention time
 * @param forgetKey do not keep the event's dedupe key on the record (its source order recognises it again)
 * @param replacement the creation of the task that replaces this one, written in the same transaction, or null
 * @param decommission the task is to go for good (a stop request, or one too many): never replaced once set
 * @param releasedReplacement the replacement this change releases (removed as {@code replacedBy}, kept as
 *     {@code releasedReplacement}): the task came back and stays, and may be replaced again; or null
 * @param surplusKept the instance kept when this one is stopped as one too many, or null
 * @param surplusStopped the instance stopped as one too many when this one is kept, or null
 * @param launchedAt a launch names the task: when (kept from the first launch)
 * @param requestKill ask for the task's kill now ({@code Task Kill Requested} from the stream): counts the request and
 *     times it, and in STOPPING starts the kill's retry timer
 * @param startedAt ECS's time the task started, as its event says it (kept from the first event that does)
 * @param stoppedAt ECS's time the task stopped, the same way
 * @param companions the writes to other tasks made in the same transaction, each guarded by the version it was
 *     decided on (a returning task's stand-ins)
 */
public record TaskChange(
        String taskId,
        String cause,
        String dedupeKey,
        Instant at,
        Phase moveTo,
        Guard guard,
        DesiredStatus desiredStatus,
        boolean keepDesiredStatus,
        AgentState agentState,
        Long agentTimestampMicros,
        Outcome outcome,
        String outcomeReason,
        boolean keepOutcome,
        Long ecsVersion,
        String cluster,
        String taskArn,
        String service,
        Set<Step> steps,
        Long inactiveAfterSeconds,
        Long expungeAfterSeconds,
        String stopReason,
        String stopCode,
        boolean replaceOnFailure,
        boolean decommission,
        KillSelection killSelection,
        String replacementOf,
        String replacedBy,
        Long tombstoneUntil,
        boolean compact,
        boolean forgetKey,
        TaskChange replacement,
        String releasedReplacement,
        String surplusKept,
        String surplusStopped,
        Instant launchedAt,
        boolean requestKill,
        Instant startedAt,
        Instant stoppedAt,
        List<Companion> companions) {

    /** A change to another task, written in the same transaction, guarded by the version of {@code decidedOn}. */
    public record Companion(TaskRecord decidedOn, TaskChange change) {
    }

    public TaskChange {
        steps = Set.copyOf(steps);
        companions = List.copyOf(companions);
    }

    /** A change caused by {@code cause}, written at {@code at}: the service's clock, never the event's. */
    public static Builder of(TaskEvent cause, Instant at) {
        return new Builder(cause.taskId(), cause.eventId(), cause.dedupeKey(), at);
    }

    /**
     * Whether writing this change without a move would alter the record: a field someone reading it sees, or the
     * source order. A newer report that agrees with the record must still be recorded, or an older one arriving
     * after it would apply (RUNNING at t4 agrees with RUNNING at t2; UNREACHABLE at t3 must then be stale).
     */
    public boolean altersFieldsOf(TaskRecord current) {
        return advances(ecsVersion, current.ecsVersion())
                || advances(agentTimestampMicros, current.agentTimestampMicros())
                || (desiredStatus != null
                        && (keepDesiredStatus ? current.desiredStatus() == null
                                : desiredStatus != current.desiredStatus()))
                || (agentState != null && agentState != current.agentState())
                || (outcome != null && (keepOutcome ? current.outcome() == null : outcome != current.outcome()))
                || fillsGap(cluster, current.cluster())
                || fillsGap(taskArn, current.taskArn())
                || fillsGap(service, current.service())
                || (!steps.isEmpty() && current.steps().isEmpty())
                || fillsGap(inactiveAfterSeconds, current.inactiveAfterSeconds())
                || fillsGap(expungeAfterSeconds, current.expungeAfterSeconds())
                || fillsGap(stopReason, current.stopReason())
                || fillsGap(stopCode, current.stopCode())
                || (replaceOnFailure && !current.replaceOnFailure())
                || (decommission && !current.decommissioned())
                || fillsGap(killSelection, current.killSelection())
                || replacement != null
                || releasedReplacement != null
                || (surplusKept != null && !surplusKept.equals(current.surplusKept()))
                || (surplusStopped != null && !surplusStopped.equals(current.surplusStopped()))
                || fillsGap(launchedAt, current.launchedAt())
                || requestKill
                || fillsGap(startedAt, current.startedAt())
                || fillsGap(stoppedAt, current.stoppedAt())
                || !companions.isEmpty();
    }

    private static boolean advances(Long offered, Long present) {
        return offered != null && (present == null || offered > present);
    }

    private static boolean fillsGap(Object offered, Object present) {
        return offered != null && present == null;
    }

    /** Builds a {@link TaskChange}; what is not set is left as it is in the record. */
    public static final class Builder {
        private final String taskId;
        private final String cause;
        private final String dedupeKey;
        private final Instant at;
        private Phase moveTo;
        private Guard guard;
        private DesiredStatus desiredStatus;
        private boolean keepDesiredStatus;
        private AgentState agentState;
        private Long agentTimestampMicros;
        private Outcome outcome;
        private String outcomeReason;
        private boolean keepOutcome;
        private Long ecsVersion;
        private String cluster;
        private String taskArn;
        private String service;
        private Set<Step> steps = Set.of();
        private Long inactiveAfterSeconds;
        private Long expungeAfterSeconds;
        private String stopReason;
        private String stopCode;
        private boolean replaceOnFailure;
        private boolean decommission;
        private KillSelection killSelection;
        private String replacementOf;
        private String replacedBy;
        private Long tombstoneUntil;
        private boolean compact;
        private boolean forgetKey;
        private TaskChange replacement;
        private String releasedReplacement;
        private String surplusKept;
        private String surplusStopped;
        private Instant launchedAt;
        private boolean requestKill;
        private Instant startedAt;
        private Instant stoppedAt;
        private final List<Companion> companions = new ArrayList<>();

        public Builder(String taskId, String cause, String dedupeKey, Instant at) {
            this.taskId = taskId;
            this.cause = cause;
            this.dedupeKey = dedupeKey;
            this.at = at;
        }

        /** When the change is made (the service's clock). */
        public Instant at() {
            return at;
        }

        public Builder move(Phase phase, Guard newGuard) {
            moveTo = phase;
            guard = newGuard;
            return this;
        }

        public Builder desired(DesiredStatus status) {
            desiredStatus = status;
            keepDesiredStatus = false;
            return this;
        }

        /** The desired status only where the record has none (a launch must not undo a stop that overtook it). */
        public Builder desiredUnlessSet(DesiredStatus status) {
            desiredStatus = status;
            keepDesiredStatus = true;
            return this;
        }

        public Builder agent(AgentState state, long timestampMicros) {
            agentState = state;
            agentTimestampMicros = timestampMicros;
            return this;
        }

        public Builder agentState(AgentState state) {
            agentState = state;
            return this;
        }

        public Builder outcome(Outcome value, String reason) {
            outcome = value;
            outcomeReason = reason;
            keepOutcome = false;
            return this;
        }

        /** The outcome and its reason only where the record has none (the agent's word comes first). */
        public Builder outcomeUnlessSet(Outcome value, String reason) {
            outcome = value;
            outcomeReason = reason;
            keepOutcome = true;
            return this;
        }

        public Builder ecsVersion(long version) {
            ecsVersion = version;
            return this;
        }

        public Builder identity(String clusterName, String arn, String serviceName) {
            cluster = clusterName;
            taskArn = arn;
            service = serviceName;
            return this;
        }

        public Builder launchSettings(Set<Step> launchSteps, Long inactiveAfter, Long expungeAfter,
                                      boolean replacedOnFailure, KillSelection selection) {
            steps = launchSteps;
            inactiveAfterSeconds = inactiveAfter;
            expungeAfterSeconds = expungeAfter;
            replaceOnFailure = replacedOnFailure;
            killSelection = selection;
            return this;
        }

        /**
         * The task is to go for good: desiredStatus STOPPED, and never replaced whatever ends it (a failed step also
         * wants a task stopped, and that one is replaced).
         */
        public Builder decommission(String reason) {
            desired(DesiredStatus.STOPPED);
            decommission = true;
            return stopReason(reason);
        }

        public Builder stopReason(String reason) {
            stopReason = reason;
            return this;
        }

        /** An ECS stop code reported while the task still runs (a termination notice). */
        public Builder stopCode(String code) {
            stopCode = code;
            return this;
        }

        public Builder replacementOf(String taskIdReplaced) {
            replacementOf = taskIdReplaced;
            return this;
        }

        /** Links this task to its replacement, created in the same write. */
        public Builder replacedBy(TaskChange creation) {
            replacedBy = creation.taskId();
            replacement = creation;
            return this;
        }

        /** Expunges the task: for good, describable in full until {@code describableUntil} (epoch second). */
        public Builder expunge(long describableUntil) {
            tombstoneUntil = describableUntil;
            return this;
        }

        public Builder compact() {
            compact = true;
            return this;
        }

        public Builder forgetKey() {
            forgetKey = true;
            return this;
        }

        /** Releases the replacement that stood in for the task: it came back and stays. */
        public Builder releaseReplacement(String replacementId) {
            releasedReplacement = replacementId;
            return this;
        }

        /** Stopped as one too many: {@code keptTaskId} is the instance kept. */
        public Builder surplusKept(String keptTaskId) {
            surplusKept = keptTaskId;
            return this;
        }

        /** Kept when there was one too many: {@code stoppedTaskId} is the instance stopped. */
        public Builder surplusStopped(String stoppedTaskId) {
            surplusStopped = stoppedTaskId;
            return this;
        }

        /** A launch named the task at {@code at}. */
        public Builder launchedAt(Instant at) {
            launchedAt = at;
            return this;
        }

        /** Asks for the task's kill now (counted and timed on the record, published from the stream). */
        public Builder requestKill() {
            requestKill = true;
            return this;
        }

        /** ECS's own times for the task, as its event gives them (null: not given). */
        public Builder ecsTimes(Instant started, Instant stopped) {
            startedAt = started;
            stoppedAt = stopped;
            return this;
        }

        /** Writes {@code change} to another task in the same transaction, guarded by {@code decidedOn}'s version. */
        public Builder companion(TaskRecord decidedOn, TaskChange change) {
            companions.add(new Companion(decidedOn, change));
            return this;
        }

        public TaskChange build() {
            return new TaskChange(taskId, cause, dedupeKey, at, moveTo, guard, desiredStatus, keepDesiredStatus,
                    agentState, agentTimestampMicros, outcome, outcomeReason, keepOutcome, ecsVersion, cluster,
                    taskArn, service, steps, inactiveAfterSeconds, expungeAfterSeconds, stopReason, stopCode,
                    replaceOnFailure, decommission, killSelection, replacementOf, replacedBy, tombstoneUntil,
                    compact, forgetKey, replacement, releasedReplacement, surplusKept, surplusStopped,
                    launchedAt, requestKill, startedAt, stoppedAt, companions);
        }
    }
}
