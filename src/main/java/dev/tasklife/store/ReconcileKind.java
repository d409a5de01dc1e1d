package dev.tasklife.store;

/** Whose report keeps a live task in the reconcile index: ECS's events, or its agent's status updates. */
public enum ReconcileKind {
    ECS,
    AGENT
}
