package dev.tasklife.handler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.Verdict;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;

/**
 * A function that takes one JSON object and answers one. Input it cannot read is answered
 * {@code {"verdict": "INVALID", "error": ...}} and logged, never thrown: a retry of the same input could never
 * succeed. Anything else thrown (AWS failures) fails the invocation, so Lambda's retries take it.
 */
abstract class JsonFunction implements RequestStreamHandler {

    private static final Logger LOG = Logger.getLogger(JsonFunction.class);

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode answer;
        try {
            answer = answer(JsonFields.readObject(input), context);
        } catch (InvalidEventException e) {
            LOG.warnf("function=%s verdict=INVALID error=\"%s\"", getClass().getSimpleName(), e.getMessage());
            answer = JsonNodeFactory.instance.objectNode();
            answer.put("verdict", Verdict.INVALID.name());
            answer.put("error", e.getMessage());
        }
        JsonFields.mapper().writeValue(output, answer);
    }

    /** {@code context} is Lambda's, or null when called outside Lambda (tests, the local run). */
    abstract ObjectNode answer(JsonNode input, Context context) throws InvalidEventException;
}
