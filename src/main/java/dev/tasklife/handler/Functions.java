package dev.tasklife.handler;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tasklife.domain.Lifecycle;
import dev.tasklife.domain.LifecyclePolicy;
import dev.tasklife.ecs.EcsTasks;
import dev.tasklife.input.Admission;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.service.IndexBackfill;
import dev.tasklife.service.PageTokens;
import dev.tasklife.service.Reconciler;
import dev.tasklife.service.StatusChangeService;
import dev.tasklife.service.StoryArchive;
import dev.tasklife.service.Sweeper;
import dev.tasklife.service.TaskListing;
import dev.tasklife.store.BackfillScan;
import dev.tasklife.store.ConditionalWrite;
import dev.tasklife.store.IndexKeys;
import dev.tasklife.store.IndexQueries;
import dev.tasklife.store.Shards;
import dev.tasklife.store.SweepIndex;
import dev.tasklife.store.TaskReads;
import dev.tasklife.store.TaskTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Wires the plain classes into CDI for the handlers, from configuration (application.properties, env). */
@ApplicationScoped
public class Functions {

    @Produces
    @Singleton
    TaskTable taskTable(DynamoDbClient dynamo, @ConfigProperty(name = "tasklife.table-name") String tableName) {
        return new TaskTable(dynamo, tableName);
    }

    @Produces
    @Singleton
    IndexKeys indexKeys(@ConfigProperty(name = "tasklife.sweep.shards") int sweepShards, Shards listShards) {
        return new IndexKeys(new SweepIndex(sweepShards), listShards);
    }

    @Produces
    @ApplicationScoped
    TaskReads taskReads(TaskTable table) {
        return new TaskReads(table);
    }

    @Produces
    @ApplicationScoped
    ConditionalWrite conditionalWrite(TaskTable table, TaskReads reads, IndexKeys keys,
                                      @ConfigProperty(name = "tasklife.history.kept") int kept) {
        return new ConditionalWrite(table, reads, keys, kept);
    }

    @Produces
    @ApplicationScoped
    IndexQueries indexQueries(TaskTable table, IndexKeys keys) {
        return new IndexQueries(table, keys);
    }

    @Produces
    @ApplicationScoped
    BackfillScan backfillScan(TaskTable table, IndexKeys keys) {
        return new BackfillScan(table, keys);
    }

    @Produces
    @Singleton
    Shards listShards(@ConfigProperty(name = "tasklife.list.shards") int count) {
        return new Shards(count);
    }

    /**
     * Only the describe function lists, and only it is given the page-token key: the other functions start without
     * one, the describe function does not (a singleton is made with its handler, at start, not at the first list).
     */
    @Produces
    @Singleton
    TaskListing taskListing(IndexQueries index, Shards shards,
                            @ConfigProperty(name = "tasklife.list.token-key") Optional<String> tokenKey) {
        String key = tokenKey.orElseThrow(() -> new IllegalStateException(
                "tasklife.list.token-key (LIST_TOKEN_KEY) is not set: list page tokens cannot be signed"));
        return new TaskListing(index, shards, PageTokens.fromText(key));
    }

    /** The lifecycle bus's archive, named in describe's answer (none in the local run). */
    @Produces
    @Singleton
    StoryArchive storyArchive(@ConfigProperty(name = "tasklife.story.archive-arn") Optional<String> archiveArn,
                              @ConfigProperty(name = "tasklife.event-source") String eventSource) {
        return new StoryArchive(archiveArn.orElse(null), eventSource);
    }

    /** EventBridge's client, configured under {@code tasklife.eventbridge.} ({@link AwsClients}). */
    @Produces
    @ApplicationScoped
    EventBridgeClient eventBridge(Config config) {
        return AwsClients.build(EventBridgeClient.builder(), "eventbridge", config);
    }

    /** ECS's client (the reconciler's), configured under {@code tasklife.ecs.} ({@link AwsClients}). */
    @Produces
    @ApplicationScoped
    EcsClient ecs(Config config) {
        return AwsClients.build(EcsClient.builder(), "ecs", config);
    }

    @Produces
    @ApplicationScoped
    EventPublisher publisher(EventBridgeClient eventBridge,
                             @ConfigProperty(name = "tasklife.event-bus-name") String busName,
                             @ConfigProperty(name = "tasklife.event-source") String source) {
        return new EventPublisher(eventBridge, busName, source);
    }

    @Produces
    @ApplicationScoped
    EmbeddedMetrics metrics(@ConfigProperty(name = "tasklife.metrics.namespace") String namespace) {
        return new EmbeddedMetrics(namespace, System.out, Clock.systemUTC());
    }

    /** The service's clock: it decides every timer; event times only order reports. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Replacement ids are random: nobody can take a replacement's id before it is created. */
    @Produces
    @Singleton
    Supplier<UUID> replacementIds() {
        return UUID::randomUUID;
    }

    @Produces
    @ApplicationScoped
    Lifecycle lifecycle(@ConfigProperty(name = "tasklife.inactive-after-seconds") long inactiveAfterSeconds,
                        @ConfigProperty(name = "tasklife.expunge-after-seconds") long expungeAfterSeconds,
                        @ConfigProperty(name = "tasklife.tombstone-seconds") long tombstoneSeconds,
                        @ConfigProperty(name = "tasklife.step-timeout-seconds") long stepTimeoutSeconds,
                        @ConfigProperty(name = "tasklife.kill-retry-seconds") long killRetrySeconds,
                        @ConfigProperty(name = "tasklife.launch-timeout-seconds") long launchTimeoutSeconds,
                        @ConfigProperty(name = "tasklife.retain-stopped-days") long retainStoppedDays,
                        Clock clock, Supplier<UUID> replacementIds) {
        return new Lifecycle(new LifecyclePolicy(inactiveAfterSeconds, expungeAfterSeconds, tombstoneSeconds,
                stepTimeoutSeconds, killRetrySeconds, launchTimeoutSeconds, Duration.ofDays(retainStoppedDays)
                .toSeconds()), clock, replacementIds);
    }

    /** Who may send what (lifecycle.md, "Time and trust"); template.yaml's rules filter on the same values. */
    @Produces
    @Singleton
    Admission admission(@ConfigProperty(name = "tasklife.trust.agent-sources") Set<String> agentSources,
                        @ConfigProperty(name = "tasklife.trust.control-plane-sources") Set<String> controlPlane,
                        @ConfigProperty(name = "tasklife.trust.step-worker-sources") Set<String> stepWorkers,
                        @ConfigProperty(name = "tasklife.trust.accounts") Set<String> accounts,
                        @ConfigProperty(name = "tasklife.trust.ecs-accounts") Set<String> ecsAccounts,
                        @ConfigProperty(name = "tasklife.trust.max-clock-skew") Duration maxSkew,
                        @ConfigProperty(name = "tasklife.event-source") String ownSource,
                        Clock clock) {
        Set<String> inputSources = new HashSet<>(agentSources);
        inputSources.addAll(controlPlane);
        inputSources.addAll(stepWorkers);
        if (inputSources.contains(ownSource)) {
            // What the functions publish must never be read back as input.
            throw new IllegalStateException("the service's own event source " + ownSource
                    + " cannot be a trusted input source");
        }
        return Admission.of(agentSources, controlPlane, stepWorkers, accounts, ecsAccounts, maxSkew, clock);
    }

    @Produces
    @ApplicationScoped
    StatusChangeService statusChanges(ConditionalWrite writes, TaskReads tasks, EventPublisher publisher,
                                      Lifecycle lifecycle) {
        return new StatusChangeService(writes, tasks, publisher, lifecycle);
    }

    @Produces
    @ApplicationScoped
    Sweeper sweeper(IndexQueries index, TaskReads tasks, StatusChangeService statusChanges,
                    @ConfigProperty(name = "tasklife.sweep.safety-margin-millis") long safetyMarginMillis,
                    @ConfigProperty(name = "tasklife.sweep.page-size") int pageSize, Clock clock) {
        return new Sweeper(index, tasks, statusChanges, clock, safetyMarginMillis, pageSize);
    }

    @Produces
    @ApplicationScoped
    IndexBackfill indexBackfill(BackfillScan scan,
            @ConfigProperty(name = "tasklife.backfill.safety-margin-millis") long safetyMarginMillis,
            @ConfigProperty(name = "tasklife.backfill.page-size") int pageSize) {
        return new IndexBackfill(scan, safetyMarginMillis, pageSize);
    }

    @Produces
    @ApplicationScoped
    Reconciler reconciler(IndexQueries index, TaskReads tasks, StatusChangeService statusChanges, EcsClient ecs,
                          EventPublisher publisher,
                          Clock clock, @ConfigProperty(name = "tasklife.reconcile.quiet") Duration quiet,
                          @ConfigProperty(name = "tasklife.reconcile.missing-grace") Duration missingGrace,
                          @ConfigProperty(name = "tasklife.reconcile.safety-margin-millis") long safetyMarginMillis,
                          @ConfigProperty(name = "tasklife.reconcile.page-size") int pageSize,
                          @ConfigProperty(name = "tasklife.reconcile.adopt-clusters") Optional<List<String>> adopted) {
        return new Reconciler(index, tasks, statusChanges, new EcsTasks(ecs), publisher, clock, quiet, missingGrace,
                safetyMarginMillis, pageSize, adopted.orElse(List.of()));
    }
}
