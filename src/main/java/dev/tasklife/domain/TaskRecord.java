package dev.tasklife.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A task record as stored. {@code lastStatus} is null only for a record that so far holds nothing but a stop
 * request (the stop arrived before anything else about the task). {@code replaceOnFailure} marks a task launched
 * for a service (Marathon handling applies). {@code expungedAt} marks an expunged task for good: its record is never
 * deleted, so nothing can bring it back. Until {@code tombstoneUntil} (epoch second) it keeps its whole story for
 * describe; after that the sweeper compacts it to a small permanent marker (no history, no dedupe keys). A task
 * STOPPED and not expunged is compacted the same way after the retention time; {@code compactedAt} says when.
 * {@code killSelection} (null: Marathon's default, YOUNGEST_FIRST) picks which instance goes when the task comes
 * back after its replacement was requested. {@code stopCode} is an ECS stop code seen before the task stopped (a Spot termination notice); it becomes the
 * outcome once the task is STOPPED.
 *
 * {@code decommissioned}: the task was asked to stop, or stopped as one too many (Marathon's goal Decommissioned):
 * whatever ends it, it is never replaced. {@code replacedBy} is the replacement that stands in for the task while it
 * is replaced; when the task comes back and stays, the link is released ({@code releasedReplacement}) and it may be
 * replaced again. When it came back
 * with one too many, killSelection kept one instance and stopped the other: the one stopped names the one kept
 * ({@code surplusKept}), the one kept names the one stopped ({@code surplusStopped}).
 *
 * {@code launchedAt}: when a {@code Task Launch Requested} first named the task (the launch timer applies to it);
 * {@code killsRequested}: how many times {@code Task Kill Requested} went out for it from its writes, the last at
 * {@code killRequestedAt}. {@code startedAt} and {@code stoppedAt} are ECS's own times for the task, as its events
 * say them.
 *
 * <p>The record keeps the latest moves only: {@code history} is the kept part, after {@code earlierMoves} moves no
 * longer kept, the last of which entered {@code earlierPhase}. {@code appliedKeys} are the dedupe keys kept, oldest
 * first; {@code agentKey} is the key of the latest agent report whose key was kept, so that report is known again
 * when its key has left the kept ones.
 */
public record TaskRecord(
        String taskId,
        Phase lastStatus,
        DesiredStatus desiredStatus,
        AgentState agentState,
        Outcome outcome,
        String outcomeReason,
        long version,
        Long ecsVersion,
        Long agentTimestampMicros,
        String agentKey,
        Set<String> appliedKeys,
        Set<Step> steps,
        String cluster,
        String taskArn,
        String service,
        Long inactiveAfterSeconds,
        Long expungeAfterSeconds,
        String stopReason,
        String stopCode,
        boolean replaceOnFailure,
        boolean decommissioned,
        KillSelection killSelection,
        String replacementOf,
        String replacedBy,
        String releasedReplacement,
        String surplusKept,
        String surplusStopped,
        Instant launchedAt,
        long killsRequested,
        Instant killRequestedAt,
        Instant startedAt,
        Instant stoppedAt,
        Instant expungedAt,
        Long tombstoneUntil,
        long earlierMoves,
        Phase earlierPhase,
        List<HistoryEntry> history,
        Instant createdAt,
        Instant updatedAt,
        Instant compactedAt) {

    public TaskRecord {
        appliedKeys = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(appliedKeys));
        steps = Set.copyOf(steps);
        history = List.copyOf(history);
    }

    /** How many moves the task has made, kept or not. */
    public long moves() {
        return earlierMoves + history.size();
    }

    /** The kept history with each move's origin filled in from the move before it. */
    public List<Transition> transitions() {
        List<Transition> transitions = new ArrayList<>(history.size());
        Phase from = earlierPhase;
        for (HistoryEntry entry : history) {
            transitions.add(new Transition(from, entry.to(), entry.cause(), entry.at()));
            from = entry.to();
        }
        return transitions;
    }

    /** The move the event with this dedupe key made, if it made one. */
    public Transition transitionCausedBy(String dedupeKey) {
        List<Transition> transitions = transitions();
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).dedupeKey().equals(dedupeKey)) {
                return transitions.get(i);
            }
        }
        return null;
    }

    /** When the task entered the phase it is in. */
    public Instant phaseSince() {
        return history.isEmpty() ? createdAt : history.get(history.size() - 1).at();
    }

    public boolean isExpunged() {
        return expungedAt != null;
    }

    /**
     * A task ECS reports on (lifecycle.md, "Ownership"): first written by an {@code ECS Task State Change}, or by the
     * reconciler's DescribeTasks answer, which always name its ARN. ECS launches and kills it; agents do not.
     */
    public boolean isEcsTask() {
        return taskArn != null;
    }

    /** The agent reported a terminal state (or the sweeper found it gone): nothing is left to kill or wait for. */
    public boolean agentGone() {
        return agentState != null && agentState.isTerminal();
    }

    /**
     * No agent is there to kill the task and report its end: its agent reported a terminal state (or the sweeper
     * found it gone), or no agent ever reported it (a launch nobody started: Marathon expunges such an instance
     * rather than wait for a kill nobody can confirm). ECS tasks are ECS's: it reports their end.
     */
    public boolean noAgentToWaitFor() {
        return agentGone() || (!isEcsTask() && agentTimestampMicros == null);
    }

    /** The task is not to run: it is wanted STOPPED, or it ended already (it has an outcome). */
    public boolean mustNotRun() {
        return desiredStatus == DesiredStatus.STOPPED || outcome != null;
    }
}
