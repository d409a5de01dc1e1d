package dev.tasklife.domain;

import java.time.Instant;

/**
 * What the reconcile index holds of a live task: when its source (ECS, or its agent) last moved it, and enough to ask
 * the source about it and to know whether the answer changes anything. {@code phase} and {@code version} are the
 * record's as the index last saw it; {@code ecsVersion} is null for an agent's task.
 */
public record ReconcileEntry(String taskId, Instant heardAt, String cluster, String taskArn, Phase phase,
                             long version, Long ecsVersion) {
}
