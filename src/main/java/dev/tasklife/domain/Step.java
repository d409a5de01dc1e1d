package dev.tasklife.domain;

/** Control-plane steps a task can ask for at launch; each one adds its phase to the lifecycle. */
public enum Step {
    PROVISIONING,
    ACTIVATION,
    DEACTIVATION,
    DEPROVISIONING
}
