package dev.tasklife.emulated;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.domain.Lifecycle;
import dev.tasklife.Fixtures;
import dev.tasklife.handler.ClientSettings;
import dev.tasklife.handler.PublisherHandler;
import dev.tasklife.input.JsonFields;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.service.StatusChangeService;
import dev.tasklife.service.Sweeper;
import dev.tasklife.store.TaskStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The deployed shape of the service, made on an emulator from {@code template.yaml}: the task table (with its
 * sparse sweep index and TTL), the lifecycle bus, and the notifications rule delivering to an SQS queue; plus the
 * services wired to them.
 */
public final class LifecycleStack implements AutoCloseable {

    public static final String EVENT_SOURCE = "dev.tasklife";
    /** The account moto runs everything in. */
    public static final String MOTO_ACCOUNT = "123456789012";

    public final DynamoDbClient dynamo;
    /** Every request the stack's services send to DynamoDB, counted. */
    public final RequestCounter dynamoRequests = new RequestCounter();
    /** Every request sent to EventBridge, counted. */
    public final RequestCounter eventBridgeRequests = new RequestCounter();
    public final EventBridgeClient eventBridge;
    public final SqsClient sqs;
    public final String tableName;
    public final String busName;
    public final String queueUrl;
    public final TaskStore store;
    /** The service's clock; {@link #service} sets it to each event's own time, {@link #sweeper} to the sweep's. */
    public final SettableClock clock = new SettableClock(Fixtures.T0);
    /** Ids the next replacements take, in order, before random ones again (to stage a taken id). */
    public final Queue<UUID> nextReplacementIds = new ConcurrentLinkedQueue<>();
    public final Lifecycle lifecycle = new Lifecycle(Fixtures.POLICY, clock,
            () -> Optional.ofNullable(nextReplacementIds.poll()).orElseGet(UUID::randomUUID));
    /**
     * The status-change service, each event delivered at the moment it is dated (the scenarios read as a timeline).
     * {@link #lateService} leaves the clock as it is, for events that arrive late or claim another time.
     */
    public final StatusChangeService service;
    public final StatusChangeService lateService;
    public final DynamoDbStreamsClient streams;
    /** Lambda's stream event source for the publisher function; every drain of the notifications pumps it. */
    public final StreamPump stream;

    /** The production retry settings (application.properties): 5 attempts, 2 s each, 8 s in all. */
    public static final ClientOverrideConfiguration PRODUCTION_RETRIES = ClientSettings.overrides(5,
            Duration.ofSeconds(2), Duration.ofSeconds(8));

    public LifecycleStack(URI endpoint) throws IOException {
        this(endpoint, PRODUCTION_RETRIES);
    }

    public LifecycleStack(URI endpoint, ClientOverrideConfiguration retries) throws IOException {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create("test", "test"));
        dynamo = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(retries.toBuilder().addExecutionInterceptor(dynamoRequests).build()).build();
        eventBridge = EventBridgeClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(retries.toBuilder().addExecutionInterceptor(eventBridgeRequests).build()).build();
        sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();

        String suffix = UUID.randomUUID().toString().substring(0, 8);
        tableName = "tasks-" + suffix;
        busName = "lifecycle-" + suffix;
        createTable(SamTemplate.load().resource("TaskTable").path("Properties"));

        eventBridge.createEventBus(bus -> bus.name(busName));
        queueUrl = sqs.createQueue(queue -> queue.queueName("notifications-" + suffix)).queueUrl();
        String queueArn = sqs.getQueueAttributes(attributes -> attributes.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        String rule = "notifications-" + suffix;
        String pattern = SamTemplate.load(MOTO_ACCOUNT).eventPattern("LifecycleNotificationsRule");
        eventBridge.putRule(put -> put.name(rule).eventBusName(busName).eventPattern(pattern));
        eventBridge.putTargets(put -> put.rule(rule).eventBusName(busName)
                .targets(Target.builder().id("queue").arn(queueArn).build()));

        streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(retries).build();
        store = new TaskStore(dynamo, tableName);
        EventPublisher publisher = new EventPublisher(eventBridge, busName, EVENT_SOURCE);
        lateService = new StatusChangeService(store, publisher, lifecycle);
        service = new StatusChangeService(store, publisher, lifecycle) {
            @Override
            public StatusChangeResult apply(TaskEvent event) {
                clock.set(event.time());
                return super.apply(event);
            }
        };
        stream = new StreamPump(dynamo, streams, tableName, new PublisherHandler(publisher, Fixtures.NO_METRICS));
    }

    /** A sweeper on this stack whose clock says {@code now}. */
    public Sweeper sweeper(Instant now) {
        return sweeper(now, 100);
    }

    public Sweeper sweeper(Instant now, int pageSize) {
        clock.set(now);
        return new Sweeper(store, service, clock, 1000, pageSize);
    }

    /** The table as template.yaml declares it: key schema, the sparse sweep index, TTL if it has one. */
    private void createTable(JsonNode declared) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        declared.path("AttributeDefinitions").forEach(attribute -> attributes.add(AttributeDefinition.builder()
                .attributeName(attribute.path("AttributeName").asText())
                .attributeType(attribute.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        declared.path("GlobalSecondaryIndexes").forEach(index -> indexes.add(GlobalSecondaryIndex.builder()
                .indexName(index.path("IndexName").asText())
                .keySchema(keySchema(index.path("KeySchema")))
                .projection(Projection.builder().projectionType(index.at("/Projection/ProjectionType").asText())
                        .build())
                .build()));
        JsonNode stream = declared.path("StreamSpecification");
        dynamo.createTable(table -> table.tableName(tableName)
                .streamSpecification(spec -> spec.streamEnabled(!stream.isMissingNode())
                        .streamViewType(stream.path("StreamViewType").asText(null)))
                .billingMode(declared.path("BillingMode").asText())
                .attributeDefinitions(attributes)
                .keySchema(keySchema(declared.path("KeySchema")))
                .globalSecondaryIndexes(indexes));
        dynamo.waiter().waitUntilTableExists(wait -> wait.tableName(tableName));
        JsonNode ttl = declared.path("TimeToLiveSpecification");
        if (!ttl.isMissingNode()) {
            dynamo.updateTimeToLive(update -> update.tableName(tableName).timeToLiveSpecification(spec -> spec
                    .attributeName(ttl.path("AttributeName").asText()).enabled(ttl.path("Enabled").asBoolean())));
        }
    }

    private static List<KeySchemaElement> keySchema(JsonNode declared) {
        List<KeySchemaElement> keys = new ArrayList<>();
        declared.forEach(key -> keys.add(KeySchemaElement.builder().attributeName(key.path("AttributeName").asText())
                .keyType(key.path("KeyType").asText()).build()));
        return keys;
    }

    /** Every EventBridge event waiting on the notifications queue, received and deleted. */
    public List<JsonNode> drainNotifications() throws IOException {
        return drainNotifications(1);
    }

    /** The same, waiting at most {@code waitSeconds} for deliveries still under way (0: only what is there). */
    public List<JsonNode> drainNotifications(int waitSeconds) throws IOException {
        stream.pump();
        List<JsonNode> events = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)).messages();
            if (messages.isEmpty()) {
                return events;
            }
            for (Message message : messages) {
                events.add(JsonFields.mapper().readTree(message.body()));
                sqs.deleteMessage(delete -> delete.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** How many items the table holds (a test's look at the whole table, never the services'). */
    public int itemCount() {
        // moto scans slowly: this test-only look gets more than the services' call budget.
        return dynamo.scanPaginator(scan -> scan.tableName(tableName).select("COUNT")
                        .overrideConfiguration(call -> call.apiCallTimeout(Duration.ofMinutes(2))
                                .apiCallAttemptTimeout(Duration.ofMinutes(2))))
                .stream().mapToInt(page -> page.count()).sum();
    }

    public Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> rawItem(String taskId) {
        return dynamo.getItem(get -> get.tableName(tableName).consistentRead(true)
                .key(Map.of("taskId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(taskId))))
                .item();
    }

    @Override
    public void close() {
        streams.close();
        dynamo.close();
        eventBridge.close();
        sqs.close();
    }
}
