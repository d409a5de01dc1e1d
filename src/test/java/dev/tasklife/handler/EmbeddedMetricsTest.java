package dev.tasklife.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.emulated.Invocations;
import dev.tasklife.input.JsonFields;

class EmbeddedMetricsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmbeddedMetrics metrics = new EmbeddedMetrics("TaskLifecycle",
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void anInvocationsCountsAreOneEmbeddedMetricFormatDocumentOnOneLine() throws Exception {
        metrics.emit("status-change", Map.of("Applied", 1), false, null);

        String line = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count());
        JsonNode document = JsonFields.mapper().readTree(line);
        assertEquals(1795600800000L, document.at("/_aws/Timestamp").asLong());
        JsonNode directive = document.at("/_aws/CloudWatchMetrics/0");
        assertEquals("TaskLifecycle", directive.get("Namespace").asText());
        assertEquals("Function", directive.at("/Dimensions/0/0").asText());
        assertEquals("Applied", directive.at("/Metrics/0/Name").asText());
        assertEquals("Count", directive.at("/Metrics/0/Unit").asText());
        assertEquals("status-change", document.get("Function").asText());
        assertEquals(1.0, document.get("Applied").asDouble());
    }

    @Test
    void noCountsNoLine() {
        metrics.emit("describe", Map.of(), false, null);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anEnvironmentsFirstInvocationCountsAColdStartAndEveryDocumentCarriesItsTraceId() throws Exception {
        metrics.emit("describe", Map.of(), true, "1-5759e988-bd862e3fe1be46a994272793");
        JsonNode document = JsonFields.mapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(1.0, document.get("ColdStart").asDouble());
        assertEquals("ColdStart", document.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText());
        assertEquals("1-5759e988-bd862e3fe1be46a994272793", document.get("traceId").asText());
    }

    @Test
    void theStatusChangeFunctionCountsEachVerdict() throws Exception {
        StatusChangeHandler handler = new StatusChangeHandler(null, Fixtures.ADMISSION, metrics);
        Invocations.invoke(handler, "{oops");
        assertEquals(1.0, JsonFields.mapper().readTree(out.toString(StandardCharsets.UTF_8)).get("Invalid")
                .asDouble());
    }
}
