package dev.tasklife.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.TaskRecord;

/**
 * Where a task's whole story is: every event the service published, in the lifecycle bus's archive (template.yaml's
 * LifecycleArchive, kept ArchiveRetentionDays); the record keeps only the latest moves. Describe names the archive,
 * the time span and the event pattern that pick the task's events out of it (docs/operations.md, "Replaying a task's
 * story"). {@code archiveArn} is null where no archive is configured (the local run).
 */
public record StoryArchive(String archiveArn, String eventSource) {

    /** The task's story: its moves kept and made, and where all of them are. */
    public ObjectNode of(TaskRecord record) {
        ObjectNode story = JsonNodeFactory.instance.objectNode();
        story.put("movesKept", record.transitions().size());
        story.put("moves", record.moves());
        story.put("archive", archiveArn);
        if (record.createdAt() != null) {
            story.put("from", record.createdAt().toString());
        }
        if (record.updatedAt() != null) {
            story.put("to", record.updatedAt().toString());
        }
        ObjectNode pattern = story.putObject("eventPattern");
        pattern.putArray("source").add(eventSource);
        pattern.putObject("detail").putArray("taskId").add(record.taskId());
        story.put("replay", "docs/operations.md#replaying-a-tasks-story");
        return story;
    }
}
