package dev.tasklife;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.KillSelection;
import dev.tasklife.domain.Lifecycle;
import dev.tasklife.domain.LifecyclePolicy;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskLookup;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.handler.EmbeddedMetrics;
import dev.tasklife.input.Admission;
import dev.tasklife.store.IndexKeys;
import dev.tasklife.store.Shards;
import dev.tasklife.store.SweepIndex;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Events and records for tests, with the fields a scenario does not care about filled sensibly. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    public static final String CLUSTER = "arn:aws:ecs:us-west-2:111122223333:cluster/FargateCluster";
    /** The account of the sample events, trusted by the tests' admission. */
    public static final String ACCOUNT = "111122223333";
    /** The senders application.properties trusts; times judged by the real clock (every fixture is in the past). */
    public static final Admission ADMISSION = admission(Clock.systemUTC());
    /** The policy a deployment that sets none runs with: application.properties' defaults. */
    public static final LifecyclePolicy POLICY = new LifecyclePolicy(
            defaults().getValue("tasklife.inactive-after-seconds", long.class),
            defaults().getValue("tasklife.expunge-after-seconds", long.class),
            defaults().getValue("tasklife.tombstone-seconds", long.class),
            defaults().getValue("tasklife.step-timeout-seconds", long.class),
            defaults().getValue("tasklife.kill-retry-seconds", long.class),
            defaults().getValue("tasklife.launch-timeout-seconds", long.class),
            Duration.ofDays(defaults().getValue("tasklife.retain-stopped-days", long.class)).toSeconds());
    /** The list index's shards, and the sweep index, as the functions shard them by default. */
    public static final Shards LIST_SHARDS = new Shards(defaults().getValue("tasklife.list.shards", int.class));
    public static final SweepIndex SWEEP_INDEX = new SweepIndex(defaults().getValue("tasklife.sweep.shards",
            int.class));
    /** Every index's keys, as the functions make them by default. */
    public static final IndexKeys INDEX_KEYS = new IndexKeys(SWEEP_INDEX, LIST_SHARDS);
    /** The lifecycle with the default policy on a clock stopped at {@link #T0}. */
    public static final Lifecycle LIFECYCLE = new Lifecycle(POLICY, Clock.fixed(T0, ZoneOffset.UTC));
    /** For decisions that read no other task's record: reading one fails the test. */
    public static final TaskLookup NO_OTHER_TASKS = taskId -> {
        throw new AssertionError("no other task's record is to be read here, yet " + taskId + " was");
    };
    /** Metrics written nowhere, for handlers under test. */
    public static final EmbeddedMetrics NO_METRICS = new EmbeddedMetrics("test",
            new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());

    private Fixtures() {
    }

    /**
     * The functions' configuration as application.properties alone gives it: the environment of whoever runs the
     * tests (INACTIVE_AFTER_SECONDS, SWEEP_SHARDS ...) does not change the defaults.
     */
    private static SmallRyeConfig defaults() {
        try {
            return new SmallRyeConfigBuilder().addDefaultInterceptors()
                    .withSources(new PropertiesConfigSource(Fixtures.class.getResource("/application.properties")))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Admission admission(Clock clock) {
        return Admission.of(Set.of("dev.tasklife.agent"), Set.of("dev.tasklife.control"), Set.of("dev.tasklife.steps"),
                Set.of(ACCOUNT), Set.of(ACCOUNT), Duration.ofMinutes(5), clock);
    }

    public static String taskArn(String taskId) {
        return "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/" + taskId;
    }

    public static TaskEvent.EcsStateChange ecs(String taskId, Phase lastStatus, long version) {
        DesiredStatus desired = lastStatus.compareTo(Phase.DEACTIVATING) >= 0 ? DesiredStatus.STOPPED
                : DesiredStatus.RUNNING;
        String stopCode = lastStatus == Phase.STOPPED ? "EssentialContainerExited" : null;
        return new TaskEvent.EcsStateChange("ecs-" + taskId + "-" + version, T0.plusSeconds(version), taskId,
                taskArn(taskId), CLUSTER, null, lastStatus, desired, version, stopCode,
                stopCode == null ? null : "Essential container in task exited", false, null, null);
    }

    public static TaskEvent.AgentStatusUpdate agent(String taskId, AgentState state, long second, String uuid) {
        return new TaskEvent.AgentStatusUpdate("agent-" + uuid, T0.plusSeconds(second), taskId, state, null,
                state.isTerminal() ? "exited" : null, "agent-1", (T0.getEpochSecond() + second) * 1_000_000L, uuid);
    }

    public static TaskEvent.LaunchRequest launch(String taskId, boolean networkInterface, boolean serviceDiscovery) {
        return launch(taskId, "webapp", networkInterface, serviceDiscovery, null);
    }

    /** A launch; a null service is a task no service replaces; inactiveAfter null takes the default. */
    public static TaskEvent.LaunchRequest launch(String taskId, String service, boolean networkInterface,
                                                 boolean serviceDiscovery, Long inactiveAfterSeconds) {
        return new TaskEvent.LaunchRequest("launch-" + taskId, T0, taskId, "marathon-east", service,
                networkInterface, serviceDiscovery, List.of(), inactiveAfterSeconds, 900L, null);
    }

    public static TaskEvent.StepCompleted stepDone(String taskId, Step step, boolean succeeded) {
        return new TaskEvent.StepCompleted("step-" + taskId + "-" + step + "-" + succeeded, T0.plusSeconds(60),
                taskId, step, succeeded, succeeded ? null : "target group not found");
    }

    public static TaskEvent.StopRequest stop(String taskId) {
        return new TaskEvent.StopRequest("stop-" + taskId, T0.plusSeconds(30), taskId, "scaled down");
    }

    /** A record builder; only what a test sets differs from an empty record. */
    public static RecordBuilder record(String taskId, Phase lastStatus, long version) {
        return new RecordBuilder(taskId, lastStatus, version);
    }

    public static final class RecordBuilder {
        private final String taskId;
        private final Phase lastStatus;
        private final long version;
        private DesiredStatus desired = DesiredStatus.RUNNING;
        private AgentState agentState;
        private Long ecsVersion;
        private Long agentTimestamp;
        private String agentKey;
        private final Set<String> appliedKeys = new LinkedHashSet<>();
        private final Set<Step> steps = new HashSet<>();
        private final List<HistoryEntry> history = new ArrayList<>();
        private String service;
        private Instant since = T0;
        private Instant expungedAt;
        private String replacedBy;
        private KillSelection killSelection;
        private boolean decommissioned;
        private Outcome outcome;
        private String stopCode;
        private Instant launchedAt;
        private long killsRequested;
        private Instant killRequestedAt;
        private Instant compactedAt;

        private RecordBuilder(String taskId, Phase lastStatus, long version) {
            this.taskId = taskId;
            this.lastStatus = lastStatus;
            this.version = version;
            if (lastStatus != null) {
                history.add(new HistoryEntry(lastStatus, "earlier", "earlier", T0));
            }
        }

        /** A task launched for this service: Marathon handling applies. */
        public RecordBuilder service(String value) {
            service = value;
            return this;
        }

        /** When the task entered its phase. */
        public RecordBuilder since(Instant value) {
            since = value;
            history.replaceAll(entry -> new HistoryEntry(entry.to(), entry.cause(), entry.dedupeKey(), value));
            return this;
        }

        /** Expunged at {@code at} (describable for the default tombstone time), replaced by {@code replacement}. */
        public RecordBuilder expunged(Instant at, String replacement) {
            expungedAt = at;
            replacedBy = replacement;
            return this;
        }

        /** Compacted by the sweeper at {@code at}: no moves, no dedupe keys kept. */
        public RecordBuilder compacted(Instant at) {
            compactedAt = at;
            history.clear();
            appliedKeys.clear();
            return this;
        }

        /** A replacement was requested for it (it is not expunged: it went UNREACHABLE). */
        public RecordBuilder replacedBy(String replacement) {
            replacedBy = replacement;
            return this;
        }

        /** The outcome recorded before it stopped (a failed step on the way up). */
        public RecordBuilder outcome(Outcome value) {
            outcome = value;
            return this;
        }

        /** Asked to stop for good (a stop request, or stopped as one too many): never replaced. */
        public RecordBuilder decommissioned() {
            decommissioned = true;
            return desired(DesiredStatus.STOPPED);
        }

        public RecordBuilder killSelection(KillSelection value) {
            killSelection = value;
            return this;
        }

        /** An ECS stop code noticed before the task stopped. */
        public RecordBuilder stopCode(String value) {
            stopCode = value;
            return this;
        }

        /** Named by a launch (the launch timer applies to it). */
        public RecordBuilder launchedAt(Instant value) {
            launchedAt = value;
            return this;
        }

        /** {@code count} kills requested, the last at {@code last}. */
        public RecordBuilder killsRequested(long count, Instant last) {
            killsRequested = count;
            killRequestedAt = last;
            return this;
        }

        public RecordBuilder desired(DesiredStatus value) {
            desired = value;
            return this;
        }

        public RecordBuilder agentState(AgentState value) {
            agentState = value;
            return this;
        }

        public RecordBuilder ecsVersion(long value) {
            ecsVersion = value;
            return this;
        }

        public RecordBuilder agentTimestamp(long value) {
            agentTimestamp = value;
            return this;
        }

        /** The agent's latest report: its timestamp and dedupe key. */
        public RecordBuilder agentReport(long timestamp, String key) {
            agentKey = key;
            return agentTimestamp(timestamp);
        }

        public RecordBuilder applied(String key) {
            appliedKeys.add(key);
            return this;
        }

        /** A move to {@code phase} made by the event with this dedupe key, after those the record holds. */
        public RecordBuilder moved(Phase phase, String key) {
            history.add(new HistoryEntry(phase, "event-" + key, key, since));
            return applied(key);
        }

        public RecordBuilder steps(Step... values) {
            steps.addAll(List.of(values));
            return this;
        }

        public TaskRecord build() {
            return new TaskRecord(taskId, lastStatus, desired, agentState, outcome, null, version, ecsVersion,
                    agentTimestamp, agentKey, appliedKeys, steps, CLUSTER, ecsVersion == null ? null : taskArn(taskId), service, null, null, null,
                    stopCode, service != null, decommissioned, killSelection, null, replacedBy, null, null, null,
                    launchedAt, killsRequested, killRequestedAt, null, null, expungedAt,
                    expungedAt == null ? null : expungedAt.getEpochSecond() + POLICY.tombstoneSeconds(), 0, null, history, since, since,
                    compactedAt);
        }
    }
}
