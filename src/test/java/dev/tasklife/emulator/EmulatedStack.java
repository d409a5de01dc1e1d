package dev.tasklife.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
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
 * The deployed shape of the service on an emulator, made from {@code template.yaml}: the task table (its key, sparse
 * sweep index and stream), the lifecycle bus, and the notifications rule delivering to an SQS queue where what the
 * functions publish can be read. Its own clients talk to the emulator directly, never through a proxy the
 * functions' clients may go through.
 */
public final class EmulatedStack implements AutoCloseable {

    /** The account moto runs everything in. */
    public static final String MOTO_ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";
    /** moto takes any keys; these are the ones every client here and every function's configuration uses. */
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";

    private static final ObjectMapper JSON = new ObjectMapper();

    public final URI endpoint;
    public final DynamoDbClient dynamo;
    public final DynamoDbStreamsClient streams;
    public final EventBridgeClient eventBridge;
    public final SqsClient sqs;
    public final String tableName;
    public final String busName;
    public final String queueUrl;
    /**
     * The bus's archive of every event the service publishes (template.yaml's LifecycleArchive), named from the start
     * (the functions are configured with it) and made by {@link #startArchiving()} only for the suites that read it:
     * moto's archiving costs a quarter of an event-heavy suite's time (MotoOrchestrationIT: 88 s against 62 s).
     */
    public final String archiveArn;
    private final String archiveName;
    private final String busArn;
    /** The event ids received since the table was made: a consumer's memory for dropping repeats. */
    private final Set<String> eventIdsSeen = new HashSet<>();

    private EmulatedStack(URI endpoint, String name) throws IOException {
        this.endpoint = endpoint;
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
        // moto is slower than AWS under load: the stack's own calls (set-up, bulk seeding, a look at the whole table)
        // wait longer than the functions' budget.
        Duration patient = Duration.ofMinutes(3);
        dynamo = dynamoClient(endpoint, call -> call.apiCallTimeout(patient).apiCallAttemptTimeout(patient));
        streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        eventBridge = EventBridgeClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();

        String suffix = UUID.randomUUID().toString().substring(0, 8);
        tableName = name == null ? "tasks-" + suffix : name;
        busName = name == null ? "lifecycle-" + suffix : name;
        createTable();

        busArn = eventBridge.createEventBus(bus -> bus.name(busName)).eventBusArn();
        SamTemplate template = SamTemplate.load(MOTO_ACCOUNT);
        archiveName = "story-" + suffix;
        archiveArn = "arn:aws:events:" + REGION + ":" + MOTO_ACCOUNT + ":archive/" + archiveName;
        queueUrl = queueOfRule("notifications-" + suffix, template.eventPattern("LifecycleNotificationsRule")).url();
    }

    /** A queue, and the rule named {@code name} on the bus sending it what matches {@code pattern}. */
    private QueueOfRule queueOfRule(String name, String pattern) {
        String url = sqs.createQueue(queue -> queue.queueName(name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(attributes -> attributes.queueUrl(url)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        String ruleArn = eventBridge.putRule(put -> put.name(name).eventBusName(busName).eventPattern(pattern))
                .ruleArn();
        eventBridge.putTargets(put -> put.rule(name).eventBusName(busName)
                .targets(Target.builder().id("queue").arn(queueArn).build()));
        return new QueueOfRule(url, ruleArn);
    }

    private record QueueOfRule(String url, String ruleArn) {
    }

    /** A DynamoDB client of the emulator's (or a proxy's) at {@code endpoint}, with the SDK's own budget. */
    public static DynamoDbClient dynamoClient(URI endpoint) {
        return dynamoClient(endpoint, call -> { });
    }

    private static DynamoDbClient dynamoClient(URI endpoint, Consumer<ClientOverrideConfiguration.Builder> budget) {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).overrideConfiguration(budget).build();
    }

    /** Makes the stack on the emulator at {@code endpoint}, its names unique there. */
    public static EmulatedStack create(URI endpoint) throws IOException {
        return new EmulatedStack(endpoint, null);
    }

    /** Makes the stack with its table and bus named {@code name}, as a deployment's functions name them by default. */
    public static EmulatedStack create(URI endpoint, String name) throws IOException {
        return new EmulatedStack(endpoint, name);
    }

    /**
     * What a function deployed on this stack finds in its environment: the template's names and retry mode, the
     * sample events' account and this emulator's trusted, and every client pointed at {@code awsEndpoint} (the
     * emulator, or a proxy in front of it).
     */
    public Map<String, String> functionEnvironment(URI awsEndpoint) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TABLE_NAME", tableName);
        environment.put("EVENT_BUS_NAME", busName);
        environment.put("STORY_ARCHIVE_ARN", archiveArn);
        environment.put("TRUSTED_ACCOUNTS", SamTemplate.SAMPLE_ACCOUNT + "," + MOTO_ACCOUNT);
        environment.put("TRUSTED_ECS_ACCOUNTS", SamTemplate.SAMPLE_ACCOUNT + "," + MOTO_ACCOUNT);
        environment.put("AWS_REGION", REGION);
        environment.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        environment.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        environment.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", awsEndpoint.toString());
        environment.put("TASKLIFE_EVENTBRIDGE_ENDPOINT_OVERRIDE", awsEndpoint.toString());
        environment.put("TASKLIFE_ECS_ENDPOINT_OVERRIDE", awsEndpoint.toString());
        // The describe function's page-token key (template.yaml generates one per stack); here a fixed, public one.
        environment.put("LIST_TOKEN_KEY", "local-page-token-key-not-a-secret-0123456789");
        try {
            SamTemplate.load().globalEnvironment().forEach((name, value) -> {
                if (value.isTextual() && name.startsWith("AWS_")) {
                    environment.put(name, value.asText()); // the retry mode and attempts: literals in the template
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return environment;
    }

    /**
     * moto's ECS tasks stay in the state RunTask and StopTask leave them in (RUNNING, STOPPED), as ECS's do between
     * events; by default moto moves a task to its last state as soon as it is described.
     */
    public void holdEcsTasksInTheirState() throws IOException {
        Http.post(endpoint.resolve("/moto-api/state-manager/set-transition"),
                "{\"model_name\": \"ecs::task\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000000}}");
    }

    /**
     * An EC2 instance in moto, for ECS to register as a container instance (moto's ECS runs EC2-launch tasks only on
     * one); by EC2's query API, which the project has no SDK module for.
     */
    public String runEc2Instance() throws IOException {
        String answer = Http.post(unsigned("ec2").header("Content-Type", "application/x-www-form-urlencoded"),
                "Action=RunInstances&Version=2016-11-15&ImageId=ami-12345678&MinCount=1&MaxCount=1");
        Matcher instance = Pattern.compile("<instanceId>([^<]+)</instanceId>").matcher(answer);
        if (!instance.find()) {
            throw new IOException("no instance in moto's answer: " + answer);
        }
        return instance.group(1);
    }

    /**
     * One call of ECS's JSON API on moto ({@code operation}, e.g. RunTask, with its request body), for the local
     * run, which has no ECS SDK module; answers the response body.
     */
    public JsonNode ecs(String operation, String body) throws IOException {
        return JSON.readTree(Http.post(unsigned("ecs")
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + operation), body));
    }

    /** A request to moto for {@code service}: moto reads the service from the credential scope, not the signature. */
    private HttpRequest.Builder unsigned(String service) {
        return HttpRequest.newBuilder(endpoint).header("Authorization", "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY
                + "/20260101/" + REGION + "/" + service + "/aws4_request, SignedHeaders=host, Signature=emulator");
    }

    /** Drops the table and makes it again, empty: a suite starts from nothing. */
    public void recreateTable() throws IOException {
        dynamo.deleteTable(delete -> delete.tableName(tableName));
        dynamo.waiter().waitUntilTableNotExists(wait -> wait.tableName(tableName));
        createTable();
    }

    /** The table as template.yaml declares it: key schema, the sparse sweep index, the stream, TTL if any. */
    private void createTable() throws IOException {
        eventIdsSeen.clear();
        JsonNode declared = SamTemplate.load().resource("TaskTable").path("Properties");
        List<AttributeDefinition> attributes = new ArrayList<>();
        declared.path("AttributeDefinitions").forEach(attribute -> attributes.add(AttributeDefinition.builder()
                .attributeName(attribute.path("AttributeName").asText())
                .attributeType(attribute.path("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        declared.path("GlobalSecondaryIndexes").forEach(index -> indexes.add(GlobalSecondaryIndex.builder()
                .indexName(index.path("IndexName").asText())
                .keySchema(keySchema(index.path("KeySchema")))
                .projection(Projection.builder().projectionType(index.at("/Projection/ProjectionType").asText())
                        .nonKeyAttributes(nonKeyAttributes(index.at("/Projection/NonKeyAttributes")))
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

    /** An INCLUDE projection's attributes; null (none sent) for the other projection types. */
    private static List<String> nonKeyAttributes(JsonNode declared) {
        if (declared.isMissingNode()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        declared.forEach(name -> names.add(name.asText()));
        return names;
    }

    private static List<KeySchemaElement> keySchema(JsonNode declared) {
        List<KeySchemaElement> keys = new ArrayList<>();
        declared.forEach(key -> keys.add(KeySchemaElement.builder().attributeName(key.path("AttributeName").asText())
                .keyType(key.path("KeyType").asText()).build()));
        return keys;
    }

    /** Lambda's event source for the table's stream, delivering to {@code publisher}. */
    public StreamPump streamTo(LambdaFunction publisher) {
        return new StreamPump(dynamo, streams, tableName, publisher);
    }

    /**
     * Every event the notifications rule delivered, received and deleted, waiting at most {@code waitSeconds}, as a
     * consumer sees them: once per {@code detail.eventId} since the table was made. EventBridge delivers at least
     * once, and a PutEvents whose answer came too late for the client is sent again with the same ids.
     */
    public List<JsonNode> receiveNotifications(int waitSeconds) throws IOException {
        return receiveDeliveries(waitSeconds).stream()
                .filter(event -> !event.at("/detail/eventId").isTextual()
                        || eventIdsSeen.add(event.at("/detail/eventId").asText()))
                .toList();
    }

    /** Every delivery, repeats included. */
    public List<JsonNode> receiveDeliveries(int waitSeconds) throws IOException {
        return receiveAll(queueUrl, waitSeconds);
    }

    /** Everything the queue at {@code url} holds, read and deleted. */
    private List<JsonNode> receiveAll(String url, int waitSeconds) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(url)
                    .maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)).messages();
            if (messages.isEmpty()) {
                return events;
            }
            for (Message message : messages) {
                events.add(JSON.readTree(message.body()));
                sqs.deleteMessage(delete -> delete.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** Deletes the archive: what it cost the suites that follow is saved. */
    public void stopArchiving() {
        eventBridge.deleteArchive(delete -> delete.archiveName(archiveName));
    }

    /** Makes the bus's archive as template.yaml declares it: every event published from now on is kept. */
    public void startArchiving() throws IOException {
        SamTemplate template = SamTemplate.load(MOTO_ACCOUNT);
        JsonNode archive = template.resource("LifecycleArchive").path("Properties");
        String made = eventBridge.createArchive(create -> create.archiveName(archiveName).eventSourceArn(busArn)
                .eventPattern(template.resolveParameters(archive.path("EventPattern")).toString())
                .retentionDays(Integer.parseInt(template.parameterDefault("ArchiveRetentionDays")))).archiveArn();
        if (!made.equals(archiveArn)) {
            throw new IllegalStateException("the archive is " + made + ", the functions were told " + archiveArn);
        }
    }

    /**
     * A task's story replayed from the archive as docs/operations.md says, with what describe's {@code story} names:
     * a queue, a rule on the bus with its event pattern sending there, a replay of the archive onto the bus for that
     * rule over its time span (ending 12 hours after it: a stream batch may be published that late), then the queue
     * read. moto replays to every rule whose pattern matches (it does not apply {@code FilterArns}), so the rule's
     * pattern picks the task.
     */
    public List<JsonNode> replay(JsonNode story) throws IOException {
        String name = "replay-" + UUID.randomUUID().toString().substring(0, 8);
        QueueOfRule replayed = queueOfRule(name, story.get("eventPattern").toString());
        eventBridge.startReplay(start -> start.replayName(name).eventSourceArn(story.get("archive").asText())
                .eventStartTime(Instant.parse(story.get("from").asText()).minus(Duration.ofMinutes(1)))
                .eventEndTime(Instant.parse(story.get("to").asText()).plus(Duration.ofHours(12)))
                .destination(destination -> destination.arn(busArn).filterArns(replayed.ruleArn())));
        return receiveAll(replayed.url(), 0);
    }

    /** How many items the table holds (a look at the whole table, never the functions'). */
    public int itemCount() {
        return dynamo.scanPaginator(scan -> scan.tableName(tableName).select("COUNT")).stream()
                .mapToInt(page -> page.count()).sum();
    }

    public Map<String, AttributeValue> rawItem(String taskId) {
        return dynamo.getItem(get -> get.tableName(tableName).consistentRead(true)
                .key(Map.of("taskId", AttributeValue.fromS(taskId)))).item();
    }

    @Override
    public void close() {
        streams.close();
        dynamo.close();
        eventBridge.close();
        sqs.close();
    }
}
