package dev.tasklife.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tasklife.emulator.Http;
import dev.tasklife.emulator.LambdaFunction;
import dev.tasklife.emulator.LambdaFunction.InvocationFailedException;

/**
 * The Lambda Invoke API ({@code POST /2015-03-31/functions/NAME/invocations}) on 127.0.0.1, for the local run's
 * functions: {@code aws lambda invoke --endpoint-url http://127.0.0.1:PORT --function-name describe ...} works
 * against it as against Lambda. A function that fails the invocation answers as Lambda does, with its error document
 * and {@code X-Amz-Function-Error: Unhandled}.
 */
public final class LocalInvokeEndpoint implements AutoCloseable {

    private static final String PREFIX = "/2015-03-31/functions/";
    private static final String SUFFIX = "/invocations";

    private final HttpServer server;

    public LocalInvokeEndpoint(int port, Map<String, LambdaFunction> functions) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext(PREFIX, exchange -> invoke(exchange, functions));
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void invoke(HttpExchange exchange, Map<String, LambdaFunction> functions)
            throws IOException {
        String path = exchange.getRequestURI().getPath();
        String name = path.endsWith(SUFFIX) ? path.substring(PREFIX.length(), path.length() - SUFFIX.length()) : "";
        LambdaFunction function = functions.get(name);
        byte[] input = exchange.getRequestBody().readAllBytes();
        if (!"POST".equals(exchange.getRequestMethod()) || function == null) {
            respond(exchange, 404, null, ("{\"Type\":\"User\",\"message\":\"Function not found: " + name
                    + "; the local run has " + functions.keySet() + "\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            respond(exchange, 200, null, function.invoke(input));
        } catch (InvocationFailedException e) {
            respond(exchange, 200, "Unhandled", e.getMessage().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void respond(HttpExchange exchange, int status, String functionError, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
        if (functionError != null) {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", functionError);
        }
        Http.send(exchange, status, body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
