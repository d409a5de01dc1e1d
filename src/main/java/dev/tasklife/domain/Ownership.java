package dev.tasklife.domain;

import dev.tasklife.domain.TaskEvent.AgentStatusUpdate;
import dev.tasklife.domain.TaskEvent.EcsStateChange;
import dev.tasklife.domain.TaskEvent.StatusChange;

/**
 * Ownership (lifecycle.md): a record belongs to the kind of source that created it. An ECS task moves only by ECS
 * events (and the reconciler's DescribeTasks answers, which are read as such) and by stop requests; an agent task
 * only by its agent's updates, the control plane and step workers. A report from the other kind is refused.
 */
final class Ownership {

    private Ownership() {
    }

    /** The refusal of a report the task does not take, or null when the task may be moved by it. */
    static Decision.Refuse refusal(StatusChange event, TaskRecord current) {
        if (event instanceof AgentStatusUpdate && current.isEcsTask()) {
            return new Decision.Refuse("task " + current.taskId() + " is an ECS task: ECS reports on it, an agent's"
                    + " status update does not move it");
        }
        if (event instanceof EcsStateChange && current.lastStatus() != null && !current.isEcsTask()) {
            return new Decision.Refuse("task " + current.taskId() + " is an agent's task: an ECS event does not"
                    + " move it");
        }
        return null;
    }
}
