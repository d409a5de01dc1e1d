package dev.tasklife.handler;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.service.ReconcileReport;
import dev.tasklife.service.Reconciler;

/**
 * The reconciler function ({@code QUARKUS_LAMBDA_HANDLER=reconciler}), run by an EventBridge schedule (every 10
 * minutes by default); the scheduled event's content does not matter. Answers the run's report.
 */
@Named("reconciler")
public class ReconcilerHandler extends JsonFunction {

    private final Reconciler reconciler;

    @Inject
    public ReconcilerHandler(Reconciler reconciler, EmbeddedMetrics metrics) {
        super(metrics);
        this.reconciler = reconciler;
    }

    @Override
    Map<String, ? extends Number> counts(ObjectNode report) {
        return Map.of("ReconciledMoved", report.get("moved").asInt(),
                "ReconciledMissing", report.get("missingStopped").asInt(),
                "ReconciledAdopted", report.get("adopted").asInt(),
                "ReconciliationRequests", report.get("reconciliationRequests").asInt(),
                "EcsDescribeCalls", report.get("ecsCalls").asInt(),
                "ReconcileFailures", report.get("failed").asInt(),
                "ReconcileStoppedEarly", report.get("stoppedEarly").asBoolean() ? 1 : 0);
    }

    @Override
    ObjectNode answer(JsonNode scheduledEvent, Context context) {
        ReconcileReport report = reconciler.reconcile(context::getRemainingTimeInMillis);
        // Written field by field: no reflection (native image).
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("read", report.read());
        answer.put("ecsCalls", report.ecsCalls());
        answer.put("unchanged", report.unchanged());
        answer.put("moved", report.moved());
        answer.put("missingStopped", report.missingStopped());
        answer.put("missingInGrace", report.missingInGrace());
        answer.put("adopted", report.adopted());
        answer.put("agentTasks", report.agentTasks());
        answer.put("reconciliationRequests", report.reconciliationRequests());
        answer.put("failed", report.failed());
        answer.put("queries", report.queries());
        answer.put("readUnits", report.readUnits());
        answer.put("stoppedEarly", report.stoppedEarly());
        return answer;
    }
}
