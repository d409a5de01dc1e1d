package dev.tasklife.domain;

/**
 * Which instance a service stops when it has one too many (Marathon's {@code killSelection}): a task that comes back
 * from UNREACHABLE after its replacement was requested leaves two (lifecycle.md, "Returning tasks").
 */
public enum KillSelection {
    /** The instance started last goes: the replacement (Marathon's default). */
    YOUNGEST_FIRST,
    /** The instance started first goes: the task that came back. */
    OLDEST_FIRST
}
