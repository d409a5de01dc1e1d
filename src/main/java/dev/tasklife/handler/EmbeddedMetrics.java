package dev.tasklife.handler;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Metrics in CloudWatch Embedded Metric Format: one JSON document per invocation, written as its own line to
 * standard output, which Lambda sends to CloudWatch Logs, which turns it into metrics (namespace, dimension
 * {@code Function}). No API call, no extra latency.
 */
public class EmbeddedMetrics {

    private final String namespace;
    private final PrintStream out;
    private final Clock clock;

    public EmbeddedMetrics(String namespace, PrintStream out, Clock clock) {
        this.namespace = namespace;
        this.out = out;
        this.clock = clock;
    }

    /**
     * Emits the counts of one invocation, and {@code ColdStart} 1 on an environment's first; nothing when there are
     * none. The trace id (null when none) rides along as a property, to find the invocation's trace from the metric.
     */
    public void emit(String function, Map<String, ? extends Number> counts, boolean coldStart, String traceId) {
        Map<String, Number> all = new LinkedHashMap<>(counts);
        if (coldStart) {
            all.put("ColdStart", 1);
        }
        if (all.isEmpty()) {
            return;
        }
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        ObjectNode aws = document.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("Function");
        ArrayNode metrics = directive.putArray("Metrics");
        document.put("Function", function);
        if (traceId != null) {
            document.put("traceId", traceId);
        }
        all.forEach((name, value) -> {
            metrics.addObject().put("Name", name).put("Unit", "Count");
            document.put(name, value.doubleValue());
        });
        out.println(document);
    }
}
