package dev.tasklife.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tasklife.emulated.Http;

/**
 * The AWS Lambda Runtime API a custom or managed runtime polls (GET .../runtime/invocation/next, POST
 * .../invocation/ID/response or /error, POST .../runtime/init/error), on 127.0.0.1: a packaged function runs
 * against it as in Lambda, and the time to its first answer can be measured.
 */
final class LocalRuntimeApi implements AutoCloseable {

    private static final String BASE = "/2018-06-01/runtime";

    private final HttpServer server;
    private final BlockingQueue<byte[]> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private int requests;

    LocalRuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(BASE, this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void offer(byte[] event) {
        events.add(event);
    }

    /** The next answer the function posted ("response: ..." or "error: ..."), or null after the timeout. */
    String awaitAnswer(long seconds) throws InterruptedException {
        return answers.poll(seconds, TimeUnit.SECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (path.equals(BASE + "/invocation/next")) {
            byte[] event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
                return;
            }
            String requestId;
            synchronized (this) {
                requestId = "bench-" + (++requests);
            }
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", requestId);
            exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                    Long.toString(System.currentTimeMillis() + 30_000));
            exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:us-east-1:111122223333:function:status-change");
            exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
            Http.send(exchange, 200, event);
        } else if (path.endsWith("/response")) {
            answers.add("response: " + new String(body));
            Http.send(exchange, 202, new byte[0]);
        } else if (path.endsWith("/error")) {
            answers.add("error: " + new String(body));
            Http.send(exchange, 202, new byte[0]);
        } else {
            Http.send(exchange, 404, new byte[0]);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
