package dev.tasklife.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import dev.tasklife.input.JsonFields;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Where tracing is on (a daemon address, a sampled invocation), each SDK call reaches the X-Ray daemon as a
 * subsegment of the invocation's trace, as the daemon protocol wants it; otherwise nothing is sent.
 */
class SdkTracingTest {

    private static final String SAMPLED = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

    private DatagramSocket daemon;
    private HttpServer dynamo;
    private int status = 200;

    @BeforeEach
    void start() throws Exception {
        daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        daemon.setSoTimeout(1_000);
        dynamo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        dynamo.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = (status == 200 ? "{}" : "{\"__type\":\"com.amazonaws.dynamodb.v20120810"
                    + "#ConditionalCheckFailedException\",\"message\":\"The conditional request failed\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-amzn-RequestId", "REQ123");
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        dynamo.start();
    }

    @AfterEach
    void stop() {
        System.clearProperty(TraceHeader.PROPERTY);
        daemon.close();
        dynamo.stop(0);
    }

    private DynamoDbClient client(SdkTracing tracing) {
        return DynamoDbClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + dynamo.getAddress().getPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(tracing)).build();
    }

    private SdkTracing tracingToTheDaemon() {
        return new SdkTracing(SdkTracing.daemonAddress("127.0.0.1:" + daemon.getLocalPort()), Clock.systemUTC());
    }

    private JsonNode received() throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        daemon.receive(packet);
        String[] lines = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8).split("\n", 2);
        assertEquals("{\"format\":\"json\",\"version\":1}", JsonFields.mapper().readTree(lines[0]).toString());
        return JsonFields.mapper().readTree(lines[1]);
    }

    private void assertNothingReceived() {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        assertThrows(SocketTimeoutException.class, () -> daemon.receive(packet));
    }

    @Test
    void aSampledInvocationsCallIsASubsegmentOfItsFunctionsSegment() throws Exception {
        System.setProperty(TraceHeader.PROPERTY, SAMPLED);
        try (DynamoDbClient client = client(tracingToTheDaemon())) {
            client.getItem(get -> get.tableName("tasks").key(Map.of("taskId", AttributeValue.fromS("t1"))));
        }
        JsonNode subsegment = received();
        assertEquals("subsegment", subsegment.get("type").asText());
        assertEquals("1-5759e988-bd862e3fe1be46a994272793", subsegment.get("trace_id").asText());
        assertEquals("53995c3f42cd8ad8", subsegment.get("parent_id").asText());
        assertEquals("DynamoDb", subsegment.get("name").asText());
        assertEquals("aws", subsegment.get("namespace").asText());
        assertEquals("GetItem", subsegment.at("/aws/operation").asText());
        assertEquals("us-east-1", subsegment.at("/aws/region").asText());
        assertEquals("REQ123", subsegment.at("/aws/request_id").asText());
        assertEquals(200, subsegment.at("/http/response/status").asInt());
        assertTrue(subsegment.get("id").asText().matches("[0-9a-f]{16}"));
        assertTrue(subsegment.get("end_time").asDouble() >= subsegment.get("start_time").asDouble());
        assertFalse(subsegment.has("error") || subsegment.has("fault"));
    }

    @Test
    void aRefusedCallIsAnErrorWithItsCause() throws Exception {
        System.setProperty(TraceHeader.PROPERTY, SAMPLED);
        status = 400;
        try (DynamoDbClient client = client(tracingToTheDaemon())) {
            assertThrows(ConditionalCheckFailedException.class, () -> client.updateItem(update -> update
                    .tableName("tasks").key(Map.of("taskId", AttributeValue.fromS("t1")))));
        }
        JsonNode subsegment = received();
        assertEquals("UpdateItem", subsegment.at("/aws/operation").asText());
        assertEquals(400, subsegment.at("/http/response/status").asInt());
        assertTrue(subsegment.get("error").asBoolean());
        assertEquals("ConditionalCheckFailedException", subsegment.at("/cause/exceptions/0/type").asText());
        assertTrue(subsegment.at("/cause/exceptions/0/id").asText().matches("[0-9a-f]{16}"));
    }

    @Test
    void anInvocationNotSampledSendsNothing() throws Exception {
        System.setProperty(TraceHeader.PROPERTY, SAMPLED.replace("Sampled=1", "Sampled=0"));
        try (DynamoDbClient client = client(tracingToTheDaemon())) {
            client.getItem(get -> get.tableName("tasks").key(Map.of("taskId", AttributeValue.fromS("t1"))));
        }
        assertNothingReceived();
    }

    @Test
    void withoutADaemonAddressTracingIsOffWhateverTheHeader() throws Exception {
        System.setProperty(TraceHeader.PROPERTY, SAMPLED);
        assertNull(SdkTracing.daemonAddress(null));
        try (DynamoDbClient client = client(new SdkTracing(null, Clock.systemUTC()))) {
            client.getItem(get -> get.tableName("tasks").key(Map.of("taskId", AttributeValue.fromS("t1"))));
        }
        assertNothingReceived();
    }

    @Test
    void aHeaderWithoutTheFunctionSegmentsIdSendsNothingAndAnUnreadableDaemonAddressTurnsTracingOff()
            throws Exception {
        System.setProperty(TraceHeader.PROPERTY, "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
        try (DynamoDbClient client = client(tracingToTheDaemon())) {
            client.getItem(get -> get.tableName("tasks").key(Map.of("taskId", AttributeValue.fromS("t1"))));
        }
        assertNothingReceived();
        assertNull(SdkTracing.daemonAddress("169.254.79.129"));
        assertEquals(2000, SdkTracing.daemonAddress("169.254.79.129:2000").getPort());
    }

    @Test
    void lambdasHeaderIsReadFieldByField() {
        TraceHeader header = TraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1;Lineage=a:0");
        assertEquals("1-5759e988-bd862e3fe1be46a994272793", header.root());
        assertNull(header.parent());
        assertTrue(header.sampled());
        assertNull(TraceHeader.parse("Sampled=1"));
        assertNull(TraceHeader.parse(""));
    }
}
