package dev.tasklife.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP proxy on 127.0.0.1 in front of an emulator, where the functions' AWS clients point: it counts their
 * requests per service and operation (by {@code X-Amz-Target}, each attempt on the wire) and injects AWS faults into
 * chosen operations: throttling answers, or a request that is carried out but whose answer never comes back (the
 * client times out). ECS's DescribeTasks answers are completed as ECS gives them and moto does not (see
 * {@link EcsAnswers}). Everything else passes through untouched.
 */
public final class FaultProxy implements AutoCloseable {

    /** What to do to the next requests of one operation. */
    public enum Fault {
        /** Answer 400 with the service's throttling error; the request never reaches the emulator. */
        THROTTLE,
        /** Forward the request (it takes effect), then hold the answer back past the client's timeout. */
        LOSE_RESPONSE,
        /** PutEvents only: answer 200 with every entry refused ({@code FailedEntryCount}); nothing is put. */
        REFUSE_ENTRIES,
        /**
         * DynamoDB only: answer 400 {@code TransactionConflictException}, as DynamoDB answers a single write to an item
         * another writer's transaction holds; the request never reaches the emulator.
         */
        TRANSACTION_CONFLICT
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Plan(Fault fault, AtomicInteger remaining) {
    }

    private final HttpServer server;
    private final URI target;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> faultsInjected = new ConcurrentHashMap<>();
    private final RequestCounter dynamoRequests = new RequestCounter();
    /** A delay added to every request before it is forwarded: a model of DynamoDB's network and service time. */
    private volatile Duration latency = Duration.ZERO;
    private final RequestCounter eventBridgeRequests = new RequestCounter();
    private final RequestCounter ecsRequests = new RequestCounter();

    public FaultProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next {@code times} requests whose X-Amz-Target ends with {@code operation} get {@code fault}. */
    public void inject(String operation, Fault fault, int times) {
        plans.put(operation, new Plan(fault, new AtomicInteger(times)));
    }

    /**
     * Every request waits {@code latency} before it reaches the emulator, each on its own thread: concurrent
     * requests overlap as they do in AWS, so the number of requests per operation, not the emulator's CPU,
     * dominates what a client measures.
     */
    public void modelLatency(Duration latency) {
        this.latency = latency;
    }

    /** No more faults: everything passes through. */
    public void heal() {
        plans.clear();
    }

    /** As new: no faults planned or counted, no requests counted. */
    public void reset() {
        heal();
        latency = Duration.ZERO;
        faultsInjected.clear();
        dynamoRequests.reset();
        eventBridgeRequests.reset();
        ecsRequests.reset();
    }

    /** Every DynamoDB request that came through (table and stream operations). */
    public RequestCounter dynamoRequests() {
        return dynamoRequests;
    }

    public RequestCounter eventBridgeRequests() {
        return eventBridgeRequests;
    }

    /** Every ECS request that came through (the reconciler's DescribeTasks; the tests' own calls to moto's ECS). */
    public RequestCounter ecsRequests() {
        return ecsRequests;
    }

    public int injected(String operation) {
        AtomicInteger count = faultsInjected.get(operation);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = amzTarget == null ? "" : amzTarget.substring(amzTarget.lastIndexOf('.') + 1);
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (amzTarget != null && amzTarget.startsWith("DynamoDB")) {
            dynamoRequests.record(operation);
        } else if (amzTarget != null && amzTarget.startsWith("AWSEvents.")) {
            eventBridgeRequests.record(operation);
        } else if (amzTarget != null && amzTarget.startsWith(EcsAnswers.TARGET_PREFIX)) {
            ecsRequests.record(operation);
        }
        Plan plan = plans.get(operation);
        Fault fault = plan != null && plan.remaining().getAndDecrement() > 0 ? plan.fault() : null;
        if (fault != null) {
            faultsInjected.computeIfAbsent(operation, key -> new AtomicInteger()).incrementAndGet();
        }
        if (fault == Fault.REFUSE_ENTRIES) {
            int entries = JSON.readTree(body).path("Entries").size();
            StringBuilder answer = new StringBuilder("{\"FailedEntryCount\":" + entries + ",\"Entries\":[");
            for (int i = 0; i < entries; i++) {
                answer.append(i == 0 ? "" : ",").append("{\"ErrorCode\":\"InternalException\",")
                        .append("\"ErrorMessage\":\"injected\"}");
            }
            respond(exchange, 200, answer.append("]}").toString().getBytes(StandardCharsets.UTF_8),
                    "application/x-amz-json-1.1");
            return;
        }
        if (fault == Fault.TRANSACTION_CONFLICT) {
            respond(exchange, 400, ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionConflictException\","
                    + "\"message\":\"Transaction is ongoing for the item\"}").getBytes(StandardCharsets.UTF_8),
                    "application/x-amz-json-1.0");
            return;
        }
        if (fault == Fault.THROTTLE) {
            boolean dynamo = amzTarget.startsWith("DynamoDB");
            String error = dynamo ? "com.amazonaws.dynamodb.v20120810#ThrottlingException" : "ThrottlingException";
            respond(exchange, 400, ("{\"__type\":\"" + error + "\",\"message\":\"Rate exceeded\"}")
                    .getBytes(StandardCharsets.UTF_8), "application/x-amz-json-1.0");
            return;
        }
        HttpURLConnection forward = (HttpURLConnection) target.resolve(exchange.getRequestURI()).toURL()
                .openConnection();
        forward.setRequestMethod(exchange.getRequestMethod());
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!List.of("Host", "Content-length", "Connection").contains(name)) {
                values.forEach(value -> forward.addRequestProperty(name, value));
            }
        });
        forward.setDoOutput(body.length > 0);
        if (body.length > 0) {
            try (OutputStream out = forward.getOutputStream()) {
                out.write(body);
            }
        }
        int status = forward.getResponseCode();
        byte[] answer;
        try (InputStream in = status < 400 ? forward.getInputStream() : forward.getErrorStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        if (fault == Fault.LOSE_RESPONSE) {
            try {
                Thread.sleep(5_000); // the client gave up long ago
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        if (status == 200 && operation.equals("DescribeTasks") && amzTarget.startsWith(EcsAnswers.TARGET_PREFIX)) {
            answer = EcsAnswers.describeTasks(body, answer);
        }
        respond(exchange, status, answer, forward.getContentType());
    }

    private static void respond(HttpExchange exchange, int status, byte[] body, String contentType)
            throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        Http.send(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
