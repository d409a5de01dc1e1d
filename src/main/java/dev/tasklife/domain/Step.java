package dev.tasklife.domain;

/** Control-plane steps a task can ask for at launch; each one runs in its own phase of the lifecycle. */
public enum Step {
    PROVISIONING(Phase.PROVISIONING),
    ACTIVATION(Phase.ACTIVATING),
    DEACTIVATION(Phase.DEACTIVATING),
    DEPROVISIONING(Phase.DEPROVISIONING);

    private final Phase phase;

    Step(Phase phase) {
        this.phase = phase;
    }

    /** The phase the task is in while this step runs. */
    public Phase phase() {
        return phase;
    }

    /** The step that runs in this phase, or null for a phase that waits on the agent or is final. */
    public static Step runningIn(Phase phase) {
        for (Step step : values()) {
            if (step.phase == phase) {
                return step;
            }
        }
        return null;
    }

    public static Step parse(String text) {
        for (Step step : values()) {
            if (step.name().equals(text)) {
                return step;
            }
        }
        throw new IllegalArgumentException("unknown step '" + text + "'");
    }
}
