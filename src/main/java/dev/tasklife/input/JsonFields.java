package dev.tasklife.input;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Strict, bounded reads of JSON input: a field of the wrong type, too long, or missing when required is an
 * {@link InvalidEventException} naming the field. Only the tree model is used (no reflection: native-safe).
 */
public final class JsonFields {

    /** EventBridge's own limit on an event. */
    public static final int MAX_INPUT_BYTES = 256 * 1024;
    /** Lambda's limit on a synchronous invocation's payload (a stream batch arrives as one). */
    public static final int MAX_LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;
    public static final int MAX_ID_LENGTH = 256;
    public static final int MAX_TEXT_LENGTH = 2048;

    /** Task ids of Mesos and ECS: letters, digits and a few separators; no spaces, no control characters. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,255}");

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(MAX_LAMBDA_PAYLOAD_BYTES).build());
    }

    private JsonFields() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads a whole input, of at most {@code maxBytes}, as one JSON object. */
    public static JsonNode readObject(InputStream input, int maxBytes) throws InvalidEventException, IOException {
        byte[] bytes = input.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new InvalidEventException("input is larger than " + maxBytes + " bytes");
        }
        if (bytes.length == 0) {
            throw new InvalidEventException("input is empty");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("input is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("input must be a JSON object");
        }
        return root;
    }

    public static JsonNode object(JsonNode parent, String path, String field) throws InvalidEventException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidEventException(path + field + " is required");
        }
        if (!node.isObject()) {
            throw new InvalidEventException(path + field + " must be an object");
        }
        return node;
    }

    public static String requiredText(JsonNode parent, String path, String field, int maxLength)
            throws InvalidEventException {
        String text = optionalText(parent, path, field, maxLength);
        if (text == null || text.isEmpty()) {
            throw new InvalidEventException(path + field + " is required");
        }
        return text;
    }

    public static String optionalText(JsonNode parent, String path, String field, int maxLength)
            throws InvalidEventException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(path + field + " must be a string");
        }
        String text = node.textValue();
        if (text.length() > maxLength) {
            throw new InvalidEventException(path + field + " is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i)) && text.charAt(i) != '\n' && text.charAt(i) != '\t') {
                throw new InvalidEventException(path + field + " contains control characters");
            }
        }
        return text;
    }

    public static String taskId(JsonNode parent, String path, String field) throws InvalidEventException {
        return checkTaskId(path + field, requiredText(parent, path, field, MAX_ID_LENGTH));
    }

    public static String checkTaskId(String name, String taskId) throws InvalidEventException {
        if (!TASK_ID.matcher(taskId).matches()) {
            throw new InvalidEventException(name + " must be 1-256 letters, digits or ._:@+=- starting with a"
                    + " letter or digit");
        }
        return taskId;
    }

    public static Long optionalNonNegativeLong(JsonNode parent, String path, String field)
            throws InvalidEventException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new InvalidEventException(path + field + " must be a non-negative integer");
        }
        return node.longValue();
    }

    public static long requiredNonNegativeLong(JsonNode parent, String path, String field)
            throws InvalidEventException {
        Long value = optionalNonNegativeLong(parent, path, field);
        if (value == null) {
            throw new InvalidEventException(path + field + " is required");
        }
        return value;
    }

    public static boolean optionalBoolean(JsonNode parent, String path, String field) throws InvalidEventException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new InvalidEventException(path + field + " must be true or false");
        }
        return node.booleanValue();
    }
}
