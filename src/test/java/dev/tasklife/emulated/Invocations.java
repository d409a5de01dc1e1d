package dev.tasklife.emulated;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.emulator.LambdaFunction;
import dev.tasklife.input.JsonFields;

/** Calls a handler as Lambda does (bytes in, bytes out, with a context) and reads its answer. */
public final class Invocations {

    private Invocations() {
    }

    public static JsonNode invoke(RequestStreamHandler handler, byte[] input) {
        try {
            return JsonFields.mapper().readTree(asFunction(handler).invoke(input));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode invoke(RequestStreamHandler handler, String input) {
        return invoke(handler, input.getBytes(StandardCharsets.UTF_8));
    }

    /** What the describe function answers for one task id. */
    public static JsonNode describe(RequestStreamHandler describe, String taskId) {
        return invoke(describe, JsonFields.mapper().createObjectNode().put("taskId", taskId).toString());
    }

    /** The handler as the emulator's side calls a function (the stream's event source, for one). */
    public static LambdaFunction asFunction(RequestStreamHandler handler) {
        return payload -> {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(payload), output, TestContext.unhurried());
            return output.toByteArray();
        };
    }
}
