package dev.tasklife.domain;

/** Control-plane steps a task can ask for at launch; each one adds its phase to the lifecycle. */
public enum Step {
    PROVISIONING,
    ACTIVATION,
    DEACTIVATION,
    DEPROVISIONING;

    public static Step parse(String text) {
        for (Step step : values()) {
            if (step.name().equals(text)) {
                return step;
            }
        }
        throw new IllegalArgumentException("unknown step '" + text + "'");
    }
}
