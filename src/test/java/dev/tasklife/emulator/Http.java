package dev.tasklife.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.sun.net.httpserver.HttpExchange;

/** Answers an exchange of the JDK's HTTP server (headers are set by the caller before); posts JSON to one. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Http() {
    }

    /** POSTs {@code json} to {@code uri}; an answer other than 2xx fails. */
    public static String post(URI uri, String json) throws IOException {
        return post(HttpRequest.newBuilder(uri).header("Content-Type", "application/json"), json);
    }

    /** POSTs {@code body} with the request's headers; answers the answer's body, or fails on other than 2xx. */
    public static String post(HttpRequest.Builder request, String body) throws IOException {
        try {
            HttpRequest post = request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> answer = CLIENT.send(post, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new IOException(post.uri() + " answered " + answer.statusCode() + ": " + answer.body());
            }
            return answer.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }
}
