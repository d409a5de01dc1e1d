package dev.tasklife.emulator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The Lambda Runtime API of one function on 127.0.0.1 (GET .../runtime/invocation/next, POST
 * .../invocation/ID/response or /error, POST .../runtime/init/error): the processes running the function poll it as
 * in Lambda, each taking one invocation at a time, so that several processes are the function's concurrency.
 */
public final class LocalRuntimeApi implements LambdaFunction, AutoCloseable {

    private static final String BASE = "/2018-06-01/runtime";
    /** The function's limit for one invocation, from the moment an environment takes it (template.yaml: 30 s). */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long an invocation may wait for an environment: as in Lambda, a cold environment's start does not count
     * against the invocation's timeout, but many starting at once on a small machine take a while.
     */
    private static final Duration WAIT_FOR_ENVIRONMENT = Duration.ofMinutes(5);

    private record Invocation(String requestId, byte[] payload, CompletableFuture<Void> taken,
                              CompletableFuture<byte[]> answer) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final BlockingQueue<Invocation> waiting = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> running = new ConcurrentHashMap<>();
    private final CompletableFuture<String> initError = new CompletableFuture<>();
    /** When an environment last took an invocation ({@link System#nanoTime()}): a cold one's init ends there. */
    private volatile long lastTakenNanos;

    public LocalRuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(BASE, this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** An environment's process ended: an invocation can no longer count on it (environments end only at close). */
    void environmentExited(String why) {
        initError.complete("an environment's process ended (" + why + ")");
    }

    /** The value of AWS_LAMBDA_RUNTIME_API for the function's processes. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** When an environment last took an invocation, in {@link System#nanoTime()}'s terms. */
    public long lastTakenNanos() {
        return lastTakenNanos;
    }

    /** Invokes the function and waits for its answer; a function error fails the invocation. */
    @Override
    public byte[] invoke(byte[] payload) throws IOException {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), payload, new CompletableFuture<>(),
                new CompletableFuture<>());
        waiting.add(invocation);
        CompletableFuture<Object> failedToStart = initError.thenApply(error -> {
            throw new IllegalStateException("the function failed to start: " + error);
        });
        try {
            CompletableFuture.anyOf(invocation.taken(), failedToStart)
                    .get(WAIT_FOR_ENVIRONMENT.toMillis(), TimeUnit.MILLISECONDS);
            return CompletableFuture.anyOf(invocation.answer(), failedToStart).thenApply(byte[].class::cast)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IOException("no environment took the invocation within " + WAIT_FOR_ENVIRONMENT
                    + ", or it did not answer within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (path.equals(BASE + "/invocation/next")) {
            Invocation next;
            try {
                next = waiting.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
                return;
            }
            running.put(next.requestId(), next);
            lastTakenNanos = System.nanoTime();
            next.taken().complete(null);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.requestId());
            exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                    Long.toString(System.currentTimeMillis() + TIMEOUT.toMillis()));
            exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:" + EmulatedStack.REGION + ":" + EmulatedStack.MOTO_ACCOUNT + ":function:local");
            exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", traceHeader(next.requestId()));
            Http.send(exchange, 200, next.payload());
        } else if (path.endsWith("/response") || path.endsWith("/error")) {
            String requestId = path.substring((BASE + "/invocation/").length(), path.lastIndexOf('/'));
            Invocation done = running.remove(requestId);
            Http.send(exchange, done == null ? 400 : 202, new byte[0]);
            if (done != null && path.endsWith("/response")) {
                done.answer().complete(body);
            } else if (done != null) {
                done.answer().completeExceptionally(new InvocationFailedException(
                        new String(body, StandardCharsets.UTF_8)));
            }
        } else if (path.equals(BASE + "/restore/next")) {
            // A snap-start init ends here: Lambda answers once it has restored the snapshot, which here is at once.
            Http.send(exchange, 200, new byte[0]);
        } else if (path.equals(BASE + "/init/error") || path.equals(BASE + "/restore/error")) {
            Http.send(exchange, 202, new byte[0]);
            initError.complete(new String(body, StandardCharsets.UTF_8));
        } else {
            Http.send(exchange, 404, new byte[0]);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /**
     * The X-Ray trace header Lambda gives an invocation, not sampled (no daemon here); its root is made from the
     * request id ({@link #traceRoot}), so that a test can tell which invocation a log line or a metric came from.
     */
    static String traceHeader(String requestId) {
        return "Root=" + traceRoot(requestId) + ";Parent=" + requestId.replace("-", "").substring(0, 16)
                + ";Sampled=0";
    }

    /** The trace id of the invocation with {@code requestId}: {@code 1-<8 hex: time>-<24 hex>}. */
    public static String traceRoot(String requestId) {
        String hex = requestId.replace("-", "");
        return "1-" + hex.substring(24, 32) + "-" + hex.substring(0, 24);
    }
}
