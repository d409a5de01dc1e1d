package dev.tasklife.handler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.Verdict;
import dev.tasklife.input.EventParser;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.StatusChangeResult;
import dev.tasklife.service.StatusChangeService;

/**
 * The status-change function ({@code QUARKUS_LAMBDA_HANDLER=status-change}), invoked by EventBridge rules.
 * Bad input is answered with an INVALID result and not thrown: redelivering it could never succeed.
 * Infrastructure failures are thrown, so that Lambda's retries and on-failure destination take the event.
 */
@Named("status-change")
public class StatusChangeHandler implements RequestStreamHandler {

    private static final Logger LOG = Logger.getLogger(StatusChangeHandler.class);

    private final StatusChangeService service;

    @Inject
    public StatusChangeHandler(StatusChangeService service) {
        this.service = service;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ObjectNode answer;
        try {
            TaskEvent event = EventParser.parse(JsonFields.readObject(input));
            answer = toJson(service.apply(event));
        } catch (InvalidEventException e) {
            LOG.warnf("verdict=INVALID error=\"%s\"", e.getMessage());
            answer = invalid(e.getMessage());
        }
        JsonFields.mapper().writeValue(output, answer);
    }

    static ObjectNode invalid(String error) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("verdict", Verdict.INVALID.name());
        answer.put("error", error);
        return answer;
    }

    private static ObjectNode toJson(StatusChangeResult result) {
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("verdict", result.verdict().name());
        answer.put("taskId", result.taskId());
        answer.put("eventId", result.eventId());
        answer.put("from", result.from() == null ? null : result.from().name());
        answer.put("to", result.to() == null ? null : result.to().name());
        answer.put("version", result.version());
        answer.put("why", result.why());
        return answer;
    }
}
