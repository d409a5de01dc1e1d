package dev.tasklife.handler;

import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.EventTypes;
import dev.tasklife.input.Admission;
import dev.tasklife.input.EventParser;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.service.StatusChangeService;

/**
 * The step-completion function ({@code QUARKUS_LAMBDA_HANDLER=step-completion}): a step worker's
 * {@code Task Step Completed} advances the task (SUCCEEDED) or stops it with a clear outcome (FAILED).
 */
@Named("step-completion")
public class StepCompletionHandler extends JsonFunction {

    private final StatusChangeService service;
    private final Admission admission;

    @Inject
    public StepCompletionHandler(StatusChangeService service, Admission admission, EmbeddedMetrics metrics) {
        super(metrics);
        this.service = service;
        this.admission = admission;
    }

    @Override
    ObjectNode answer(JsonNode envelope, Context context) throws InvalidEventException {
        return StatusChangeHandler.verdict(service.apply(
                EventParser.parse(envelope, Set.of(EventTypes.TASK_STEP_COMPLETED), admission)));
    }
}
