package dev.tasklife.handler;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.service.SweepReport;
import dev.tasklife.service.Sweeper;

/**
 * The sweeper function ({@code QUARKUS_LAMBDA_HANDLER=sweeper}), run by an EventBridge schedule; the scheduled
 * event's content does not matter. Answers the sweep's report.
 */
@Named("sweeper")
public class SweeperHandler extends JsonFunction {

    private final Sweeper sweeper;

    @Inject
    public SweeperHandler(Sweeper sweeper, EmbeddedMetrics metrics) {
        super(metrics);
        this.sweeper = sweeper;
    }

    @Override
    Map<String, ? extends Number> counts(ObjectNode report) {
        return Map.ofEntries(Map.entry("Swept", report.get("expunged").asInt()),
                Map.entry("ReplacementsRequested", report.get("replacementsRequested").asInt()),
                Map.entry("StepsTimedOut", report.get("stepsTimedOut").asInt()),
                Map.entry("KillsRetried", report.get("killsRetried").asInt()),
                Map.entry("KillAttemptsMax", report.get("killAttemptsMax").asLong()),
                Map.entry("LaunchesOverdue", report.get("launchesOverdue").asInt()),
                Map.entry("TombstonesCompacted", report.get("compacted").asInt()),
                Map.entry("StoppedCompacted", report.get("stoppedCompacted").asInt()),
                Map.entry("SweepFailures", report.get("failed").asInt()),
                Map.entry("SweepReadUnits", report.get("readUnits").asDouble()),
                Map.entry("SweepStoppedEarly", report.get("stoppedEarly").asBoolean() ? 1 : 0));
    }

    @Override
    ObjectNode answer(JsonNode scheduledEvent, Context context) {
        SweepReport report = sweeper.sweep(context::getRemainingTimeInMillis);
        // Written field by field: no reflection (native image).
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("read", report.read());
        answer.put("notDue", report.notDue());
        answer.put("expunged", report.expunged());
        answer.put("replacementsRequested", report.replacementsRequested());
        answer.put("stepsTimedOut", report.stepsTimedOut());
        answer.put("killsRetried", report.killsRetried());
        answer.put("killAttemptsMax", report.killAttemptsMax());
        answer.put("launchesOverdue", report.launchesOverdue());
        answer.put("compacted", report.compacted());
        answer.put("stoppedCompacted", report.stoppedCompacted());
        answer.put("movedOn", report.movedOn());
        answer.put("failed", report.failed());
        answer.put("queries", report.queries());
        answer.put("readUnits", report.readUnits());
        answer.put("stoppedEarly", report.stoppedEarly());
        return answer;
    }
}
