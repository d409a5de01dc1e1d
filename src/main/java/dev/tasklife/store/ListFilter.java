package dev.tasklife.store;

import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Phase;

/**
 * What a list of tasks asks for, as ECS's ListTasks: one cluster (as the events name it), and optionally only the
 * tasks of one service, of one desired status, or (ours) in one phase. Null: no filter on that attribute.
 */
public record ListFilter(String cluster, String serviceName, DesiredStatus desiredStatus, Phase lastStatus) {
}
