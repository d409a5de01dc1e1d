package dev.tasklife.store;

/**
 * An item this version cannot read as a task record (lifecycle.md, "One unreadable item fails only itself"): written
 * by a newer version during a rollback, or mended by hand. A reader of many items names and skips it; an event for
 * its task fails its invocation, so that Lambda keeps the event until a version that reads the item runs.
 */
public class UnreadableItemException extends RuntimeException {

    private final String taskId;

    public UnreadableItemException(String taskId, RuntimeException cause) {
        super("task " + taskId + " is stored as this version cannot read it: " + cause, cause);
        this.taskId = taskId;
    }

    public String taskId() {
        return taskId;
    }
}
