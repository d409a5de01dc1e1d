package dev.tasklife.handler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Named;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

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
 * succeed. Anything else thrown (AWS failures) fails the invocation, so Lambda's retries take it. Every log line of
 * an invocation carries its function name, request id, X-Ray trace id, whether it is the environment's first
 * (coldStart) and, once known, the task, the event, the verdict and the move (MDC); its counts go out as Embedded
 * Metric Format, with ColdStart on an environment's first.
 */
abstract class JsonFunction implements RequestStreamHandler {

    private static final Logger LOG = Logger.getLogger(JsonFunction.class);
    /**
     * Until this environment's first invocation. A SnapStart snapshot is taken before any, so an environment
     * restored from it reports its first invocation cold too (a restore is a cold start).
     */
    private static final AtomicBoolean COLD = new AtomicBoolean(true);

    private final EmbeddedMetrics metrics;

    JsonFunction(EmbeddedMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String function = getClass().getAnnotation(Named.class).value();
        MDC.put("function", function);
        MDC.put("requestId", context.getAwsRequestId());
        boolean coldStart = COLD.getAndSet(false);
        MDC.put("coldStart", Boolean.toString(coldStart));
        TraceHeader trace = TraceHeader.current();
        if (trace != null) {
            MDC.put("traceId", trace.root());
        }
        try {
            ObjectNode answer;
            try {
                answer = answer(JsonFields.readObject(input, maxInputBytes()), context);
            } catch (InvalidEventException e) {
                answer = invalid(e);
            }
            metrics.emit(function, counts(answer), coldStart, trace == null ? null : trace.root());
            JsonFields.mapper().writeValue(output, answer);
        } finally {
            MDC.clear();
        }
    }

    /** The answer to input that cannot be read: INVALID, unless the function must fail instead. */
    ObjectNode invalid(InvalidEventException e) {
        MDC.put("verdict", Verdict.INVALID.name());
        LOG.warnf("verdict=INVALID error=\"%s\"", e.getMessage());
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("verdict", Verdict.INVALID.name());
        answer.put("error", e.getMessage());
        return answer;
    }

    /** The largest input taken: an EventBridge event's limit, unless the function is fed something larger. */
    int maxInputBytes() {
        return JsonFields.MAX_INPUT_BYTES;
    }

    /** The metrics of one answer: by default one count named after its verdict (Applied, Rejected, Stale, ...). */
    Map<String, ? extends Number> counts(ObjectNode answer) {
        JsonNode verdict = answer.get("verdict");
        return verdict == null ? Map.of() : Map.of(metricName(verdict.asText()), 1);
    }

    private static String metricName(String verdict) {
        return verdict.charAt(0) + verdict.substring(1).toLowerCase(Locale.ROOT);
    }

    /** {@code context} is Lambda's: the request id, the time left. */
    abstract ObjectNode answer(JsonNode input, Context context) throws InvalidEventException;
}
