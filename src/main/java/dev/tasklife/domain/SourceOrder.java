package dev.tasklife.domain;

import dev.tasklife.domain.TaskEvent.AgentStatusUpdate;
import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.LaunchRequest;
import dev.tasklife.domain.TaskEvent.StepCompleted;
import dev.tasklife.domain.TaskEvent.StopRequest;
import dev.tasklife.domain.TaskEvent.SweepFinding;

/**
 * Ordering, duplicates, replays (lifecycle.md): an event applied before is a duplicate, and a report older than one
 * the record holds from the same source (ECS version, agent timestamp) is stale. A stale report names the phase it
 * states by itself ({@link RequestedPhase#reported}): the record it would be read against has moved on.
 */
final class SourceOrder {

    private SourceOrder() {
    }

    /** The skip for a duplicate or a stale event; null for an event the record has not seen past. */
    static Decision duplicateOrStale(TaskEvent event, TaskRecord current) {
        if (current.appliedKeys().contains(event.dedupeKey())) {
            return new Decision.Skip(Verdict.DUPLICATE, "event " + event.dedupeKey() + " was applied before");
        }
        return switch (event) {
            case EcsStateChange ecs -> byEcsVersion(ecs, current);
            case AgentStatusUpdate agent -> byAgentTimestamp(agent, current);
            // Requests, step completions and findings have no source order: the record's phase judges them.
            case LaunchRequest launch -> null;
            case StopRequest stop -> null;
            case StepCompleted step -> null;
            case SweepFinding finding -> null;
        };
    }

    private static Decision byEcsVersion(EcsStateChange ecs, TaskRecord current) {
        if (current.ecsVersion() == null || current.ecsVersion() < ecs.version()) {
            return null;
        }
        if (current.ecsVersion() == ecs.version()) {
            return new Decision.Skip(Verdict.DUPLICATE, "ECS version " + ecs.version() + " was applied before");
        }
        return new Decision.Skip(Verdict.STALE, RequestedPhase.reported(ecs),
                "ECS version " + ecs.version() + " is older than " + current.ecsVersion());
    }

    private static Decision byAgentTimestamp(AgentStatusUpdate agent, TaskRecord current) {
        if (agent.dedupeKey().equals(current.agentKey())) {
            // The agent's latest report, known even when its key is no longer among the kept ones.
            return new Decision.Skip(Verdict.DUPLICATE, "event " + agent.dedupeKey() + " was applied before");
        }
        if (current.agentTimestampMicros() == null || current.agentTimestampMicros() <= agent.timestampMicros()) {
            return null;
        }
        return new Decision.Skip(Verdict.STALE, RequestedPhase.reported(agent),
                "agent update of " + agent.timestampMicros() + " is older than " + current.agentTimestampMicros());
    }
}
