package dev.tasklife.handler;

import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.EventTypes;
import dev.tasklife.input.Admission;
import dev.tasklife.input.EventParser;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.service.StatusChangeService;
import dev.tasklife.service.TaskDescriptions;

/**
 * The status-change function ({@code QUARKUS_LAMBDA_HANDLER=status-change}), invoked by EventBridge rules with an
 * EventBridge envelope; answers the verdict.
 */
@Named("status-change")
public class StatusChangeHandler extends JsonFunction {

    public static final Set<String> HANDLED = Set.of(EventTypes.ECS_TASK_STATE_CHANGE, EventTypes.TASK_STATUS_UPDATE,
            EventTypes.TASK_LAUNCH_REQUESTED, EventTypes.TASK_STOP_REQUESTED);

    private final StatusChangeService service;
    private final Admission admission;

    @Inject
    public StatusChangeHandler(StatusChangeService service, Admission admission, EmbeddedMetrics metrics) {
        super(metrics);
        this.service = service;
        this.admission = admission;
    }

    @Override
    ObjectNode answer(JsonNode envelope, Context context) throws InvalidEventException {
        return verdict(service.apply(EventParser.parse(envelope, HANDLED, admission)));
    }

    /** The answer: the same fields, each with one meaning, as docs/design.md ("The verdict answer") defines. */
    static ObjectNode verdict(StatusChangeResult result) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("verdict", result.verdict().name());
        answer.put("taskId", result.taskId());
        answer.put("eventId", result.eventId());
        TaskDescriptions.putName(answer, "phase", result.phase());
        if (result.move() != null) {
            ObjectNode move = answer.putObject("move");
            TaskDescriptions.putName(move, "from", result.move().from());
            TaskDescriptions.putName(move, "to", result.move().to());
        }
        if (result.requested() != null) {
            answer.put("requested", result.requested().name());
        }
        answer.put("version", result.version());
        answer.put("why", result.why());
        return answer;
    }
}
