package dev.tasklife.handler;

import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.IndexBackfill;

/**
 * The backfill function ({@code QUARKUS_LAMBDA_HANDLER=backfill}), invoked by an operator after an upgrade, never
 * on a schedule: {@code {"segment": 0, "segments": 4, "after": null}} backfills that segment of a parallel scan until
 * it is done or the deadline nears, and answers {@code done} or the {@code after} to invoke it with next
 * (operations.md, "Backfilling the indexes"). It is the only function that scans the table.
 */
@Named("backfill")
public class BackfillHandler extends JsonFunction {

    /** DynamoDB's limit on a parallel scan's segments is 1,000,000; more than this many is a mistake. */
    static final int MAX_SEGMENTS = 1000;
    private static final Set<String> FIELDS = Set.of("segment", "segments", "after");

    private final IndexBackfill backfill;

    @Inject
    public BackfillHandler(IndexBackfill backfill, EmbeddedMetrics metrics) {
        super(metrics);
        this.backfill = backfill;
    }

    @Override
    Map<String, ? extends Number> counts(ObjectNode answer) {
        if (!answer.has("scanned")) {
            return super.counts(answer);
        }
        return Map.of("BackfillScanned", answer.get("scanned").asInt(),
                "BackfillReconcileAdded", answer.get("reconcileAdded").asInt(),
                "BackfillListAdded", answer.get("listAdded").asInt(),
                "BackfillRetentionAdded", answer.get("retentionAdded").asInt(),
                "BackfillFailures", answer.get("failed").asInt());
    }

    @Override
    ObjectNode answer(JsonNode input, Context context) throws InvalidEventException {
        JsonFields.onlyFields(input, FIELDS);
        Long segments = JsonFields.optionalNonNegativeLong(input, "", "segments");
        Long segment = JsonFields.optionalNonNegativeLong(input, "", "segment");
        int total = segments == null ? 1 : (int) Math.min(segments, Integer.MAX_VALUE);
        int own = segment == null ? 0 : (int) Math.min(segment, Integer.MAX_VALUE);
        if (total < 1 || total > MAX_SEGMENTS || own >= total) {
            throw new InvalidEventException("segments must be 1 to " + MAX_SEGMENTS + " and segment below it");
        }
        String after = JsonFields.optionalText(input, "", "after", JsonFields.MAX_ID_LENGTH);
        if (after != null && after.isEmpty()) {
            throw new InvalidEventException("after must be a task id, or null to start a segment");
        }
        IndexBackfill.Report report;
        try {
            report = backfill.run(own, total, after, context::getRemainingTimeInMillis);
        } catch (IndexBackfill.InvalidStart e) {
            throw new InvalidEventException(e.getMessage());
        }
        // Written field by field: no reflection (native image).
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("segment", own);
        answer.put("segments", total);
        answer.put("scanned", report.scanned());
        answer.put("reconcileAdded", report.reconcileAdded());
        answer.put("listAdded", report.listAdded());
        answer.put("retentionAdded", report.retentionAdded());
        answer.put("alreadyDone", report.alreadyDone());
        answer.put("failed", report.failed());
        report.failedTaskIds().forEach(answer.putArray("failedTaskIds")::add);
        answer.put("readUnits", report.readUnits());
        answer.put("done", report.done());
        answer.put("after", report.continueAfter());
        return answer;
    }
}
