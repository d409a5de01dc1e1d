package dev.tasklife.store;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.domain.TaskRecord;
import dev.tasklife.input.InvalidEventException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads the DynamoDB Streams event Lambda delivers (images in DynamoDB JSON) into task records. */
public final class StreamRecords {

    /**
     * One write to the task table, as the stream saw it.
     *
     * @param sequenceNumber the stream record's sequence number, or null when the record has none
     * @param before the record before the write, or null (created; or a stream without old images)
     * @param after the record after it, or null (removed)
     * @param unreadable why the record could not be read, or null: it must be handed back, never passed over
     */
    public record Change(String sequenceNumber, String eventName, TaskRecord before, TaskRecord after,
                         String unreadable) {
    }

    private StreamRecords() {
    }

    /** Reads every record of a batch on its own: one that cannot be read is returned as such, with its position. */
    public static List<Change> read(JsonNode event) throws InvalidEventException {
        JsonNode records = event.get("Records");
        if (records == null || !records.isArray()) {
            throw new InvalidEventException("Records must be an array of DynamoDB stream records");
        }
        List<Change> changes = new ArrayList<>();
        for (JsonNode record : records) {
            JsonNode dynamodb = record.path("dynamodb");
            JsonNode sequence = dynamodb.get("SequenceNumber");
            String sequenceNumber = sequence != null && sequence.isTextual() && !sequence.textValue().isEmpty()
                    ? sequence.textValue() : null;
            String eventName = record.path("eventName").asText();
            try {
                TaskRecord after = image(dynamodb.get("NewImage"));
                if (after == null && !"REMOVE".equals(eventName)) {
                    throw new InvalidEventException(eventName + " record without a task in its new image");
                }
                changes.add(new Change(sequenceNumber, eventName, image(dynamodb.get("OldImage")), after, null));
            } catch (InvalidEventException | RuntimeException e) {
                changes.add(new Change(sequenceNumber, eventName, null, null, e.toString()));
            }
        }
        return changes;
    }

    private static TaskRecord image(JsonNode image) throws InvalidEventException {
        if (image == null || image.isNull() || !image.has(TaskItems.TASK_ID)) {
            return null;
        }
        Map<String, AttributeValue> item = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = image.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            item.put(field.getKey(), attributeValue(field.getValue()));
        }
        return TaskItems.toRecord(item);
    }

    /** One attribute value in DynamoDB JSON ({"S": "..."}, {"N": "1"}, {"M": {...}}, ...). */
    static AttributeValue attributeValue(JsonNode value) throws InvalidEventException {
        if (value == null || !value.isObject() || value.size() != 1) {
            throw new InvalidEventException("not a DynamoDB JSON attribute value: " + value);
        }
        Map.Entry<String, JsonNode> typed = value.fields().next();
        JsonNode content = typed.getValue();
        switch (typed.getKey()) {
            case "S":
                return AttributeValue.fromS(content.asText());
            case "N":
                return AttributeValue.fromN(content.asText());
            case "BOOL":
                return AttributeValue.fromBool(content.asBoolean());
            case "NULL":
                return AttributeValue.fromNul(true);
            case "B":
                return AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(content.asText())));
            case "SS":
                return AttributeValue.fromSs(texts(content));
            case "NS":
                return AttributeValue.fromNs(texts(content));
            case "L": {
                List<AttributeValue> list = new ArrayList<>();
                for (JsonNode element : content) {
                    list.add(attributeValue(element));
                }
                return AttributeValue.fromL(list);
            }
            case "M": {
                Map<String, AttributeValue> map = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> fields = content.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    map.put(field.getKey(), attributeValue(field.getValue()));
                }
                return AttributeValue.fromM(map);
            }
            default:
                throw new InvalidEventException("unknown DynamoDB JSON type " + typed.getKey());
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
