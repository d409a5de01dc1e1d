package dev.tasklife.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** A validated status-change event, as read from its EventBridge envelope. */
public sealed interface TaskEvent {

    /** The EventBridge envelope id: the cause recorded in history. */
    String eventId();

    Instant time();

    String taskId();

    /** What makes a redelivery of this event recognisable: the source's own version or uuid where it has one. */
    String dedupeKey();

    /**
     * The events of the status-change function: a report of the task's state (ECS, agent) or a control-plane
     * request. Each says enough by itself to be tried before the record is read; the others (a step's completion,
     * a sweep finding) mean something only for the record as it is.
     */
    sealed interface StatusChange extends TaskEvent {
    }

    /** {@code ECS Task State Change}: the real ECS event, fields we do not use ignored. */
    record EcsStateChange(String eventId, Instant time, String taskId, String taskArn, String cluster,
                          String service, Phase lastStatus, DesiredStatus desiredStatus, long version, String stopCode,
                          String stoppedReason, boolean essentialContainerFailed, Instant startedAt,
                          Instant stoppedAt) implements StatusChange {
        @Override
        public String dedupeKey() {
            return "ecs:" + version;
        }

        /**
         * How an ECS stop code reads as an outcome. A container exit is FINISHED only if every container
         * exited 0; a stop someone asked for is STOPPED_BY_REQUEST; the scheduler's own stop is KILLED; an instance
         * taken away (Spot, termination notice) is GONE; a task that never started FAILED.
         */
        public Outcome outcome() {
            return outcomeOf(stopCode, essentialContainerFailed);
        }

        /** The outcome a stop code means, for this event or for a stop code recorded before the task stopped. */
        public static Outcome outcomeOf(String stopCode, boolean essentialContainerFailed) {
            if (stopCode == null) {
                return Outcome.UNKNOWN;
            }
            return switch (stopCode) {
                case "EssentialContainerExited" -> essentialContainerFailed ? Outcome.FAILED : Outcome.FINISHED;
                case "TaskFailedToStart" -> Outcome.FAILED;
                case "UserInitiated" -> Outcome.STOPPED_BY_REQUEST;
                case "ServiceSchedulerInitiated" -> Outcome.KILLED;
                case "SpotInterruption", "TerminationNotice" -> Outcome.GONE;
                default -> Outcome.UNKNOWN;
            };
        }
    }

    /**
     * {@code Task Status Update}: a Mesos-style agent status update. {@code uuid} is null for updates Mesos does not
     * deliver reliably (reconciliation answers, many master-generated updates): such an update is recognised again
     * by its task, state, reason and timestamp.
     */
    record AgentStatusUpdate(String eventId, Instant time, String taskId, AgentState state, String reason,
                             String message, String agentId, long timestampMicros, String uuid) implements StatusChange {
        @Override
        public String dedupeKey() {
            if (uuid != null) {
                return "agent:" + uuid;
            }
            String report = state + "\n" + (reason == null ? "" : reason) + "\n" + timestampMicros;
            return "agent-report:" + UUID.nameUUIDFromBytes(report.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code Task Launch Requested}: the control plane wants a task to run. */
    record LaunchRequest(String eventId, Instant time, String taskId, String cluster, String service,
                         boolean networkInterface, boolean serviceDiscovery, List<String> targetGroups,
                         Long inactiveAfterSeconds, Long expungeAfterSeconds, KillSelection killSelection)
            implements StatusChange {
        @Override
        public String dedupeKey() {
            return "event:" + eventId;
        }

        /** An interface is attached and detached by the control plane; registrations are made and removed. */
        public Set<Step> steps() {
            Set<Step> steps = EnumSet.noneOf(Step.class);
            if (networkInterface) {
                steps.add(Step.PROVISIONING);
                steps.add(Step.DEPROVISIONING);
            }
            if (serviceDiscovery || !targetGroups.isEmpty()) {
                steps.add(Step.ACTIVATION);
                steps.add(Step.DEACTIVATION);
            }
            return steps;
        }
    }

    /** {@code Task Stop Requested}: the control plane wants a task stopped. */
    record StopRequest(String eventId, Instant time, String taskId, String reason) implements StatusChange {
        @Override
        public String dedupeKey() {
            return "event:" + eventId;
        }
    }

    /** {@code Task Step Completed}: a step worker finished (or failed) a control-plane step. */
    record StepCompleted(String eventId, Instant time, String taskId, Step step, boolean succeeded, String reason)
            implements TaskEvent {
        @Override
        public String dedupeKey() {
            return "event:" + eventId;
        }
    }

    /**
     * What the scheduled sweeper (or the reconciler) found about one task, at {@code time} (the service's clock). It names the record
     * version it was found on, so a second sweep of the same finding is a duplicate.
     */
    record SweepFinding(Instant time, String taskId, Finding finding, Phase phase, long version)
            implements TaskEvent {

        public enum Finding {
            /** UNREACHABLE for longer than expungeAfterSeconds: mark UNKNOWN and expunge. */
            UNREACHABLE_EXPIRED,
            /** A service task UNREACHABLE for longer than inactiveAfterSeconds: request its replacement. */
            REPLACEMENT_DUE,
            /** In a control-plane step for longer than the step timeout: fail it, or force the stop on. */
            STEP_TIMED_OUT,
            /** An agent task wanted STOPPED still STOPPING a kill-retry interval after its kill: request it again. */
            KILL_RETRY_DUE,
            /** A launched task still PENDING after the launch timeout: kill it, and fail it down its stop path. */
            LAUNCH_OVERDUE,
            /** An expunged task's tombstone has been describable long enough: compact it to its permanent marker. */
            TOMBSTONE_DUE,
            /** A task STOPPED, not expunged, for longer than the retention time: compact it the same way. */
            RETENTION_DUE,
            /**
             * The reconciler: ECS answers DescribeTasks for this live task with MISSING, and nothing was heard of it
             * for the grace period: STOPPED, outcome UNKNOWN.
             */
            MISSING_FROM_ECS
        }

        @Override
        public String eventId() {
            return "sweep-" + finding.name().toLowerCase(Locale.ROOT) + "-" + taskId + "-v" + version;
        }

        @Override
        public String dedupeKey() {
            return "sweep:" + finding + ":" + version;
        }
    }
}
