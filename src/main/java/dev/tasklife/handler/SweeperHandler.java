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
        return Map.of("Swept", report.get("expunged").asInt(),
                "ReplacementsRequested", report.get("replacementsRequested").asInt(),
                "StepsTimedOut", report.get("stepsTimedOut").asInt(),
                "KillsRetried", report.get("killsRetried").asInt(),
                "KillAttemptsMax", report.get("killAttemptsMax").asLong(),
                "LaunchesOverdue", report.get("launchesOverdue").asInt(),
                "TombstonesCompacted", report.get("compacted").asInt(),
                "SweepFailures", report.get("failed").asInt(),
                "SweepReadUnits", report.get("readUnits").asDouble(),
                "SweepStoppedEarly", report.get("stoppedEarly").asBoolean() ? 1 : 0);
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
        answer.put("movedOn", report.movedOn());
        answer.put("failed", report.failed());
        answer.put("queries", report.queries());
        answer.put("readUnits", report.readUnits());
        answer.put("stoppedEarly", report.stoppedEarly());
        return answer;
    }
}
