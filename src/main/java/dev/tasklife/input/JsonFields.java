package dev.tasklife.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.tasklife.domain.TaskIds;

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

    /** Two fields of one name in an object are refused: which one counts would be a guess. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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
            // Parsed from text decoded as strict UTF-8, so that no other encoding is guessed from the bytes.
            root = MAPPER.readTree(strictUtf8(bytes));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("input is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("input must be a JSON object");
        }
        return root;
    }

    /**
     * JSON input is UTF-8 (RFC 8259): malformed or overlong sequences, and UTF-16 or UTF-32 input, are refused
     * rather than read as something else.
     */
    private static String strictUtf8(byte[] bytes) throws InvalidEventException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            if (text.indexOf('\u0000') >= 0 || text.startsWith("\uFEFF")) {
                throw new InvalidEventException("input must be UTF-8 JSON without a byte-order mark or NUL bytes");
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new InvalidEventException("input is not valid UTF-8");
        }
    }

    /**
     * Refuses a field the input's form does not take: a misspelt one would otherwise be ignored silently (a filter
     * widening an answer, a setting not applied).
     */
    public static void onlyFields(JsonNode input, Set<String> taken) throws InvalidEventException {
        for (Iterator<String> names = input.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!taken.contains(name)) {
                throw new InvalidEventException("unknown field " + name + " (this form takes " + String.join(", ",
                        taken.stream().sorted().toList()) + ")");
            }
        }
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

    /**
     * The most UTF-8 bytes a cluster may take: it is part of the list index's partition key ({@code cluster#shard}),
     * which DynamoDB bounds at 2,048 bytes; a longer one would fail every write of its task. An ECS cluster ARN takes
     * about 320.
     */
    public static final int MAX_CLUSTER_BYTES = 1024;

    /** A cluster name or ARN, or null when absent; longer than {@link #MAX_CLUSTER_BYTES} in UTF-8 is invalid. */
    public static String optionalCluster(JsonNode parent, String path, String field) throws InvalidEventException {
        return clusterBytes(path, field, optionalText(parent, path, field, MAX_CLUSTER_BYTES));
    }

    public static String requiredCluster(JsonNode parent, String path, String field) throws InvalidEventException {
        return clusterBytes(path, field, requiredText(parent, path, field, MAX_CLUSTER_BYTES));
    }

    private static String clusterBytes(String path, String field, String cluster) throws InvalidEventException {
        if (cluster != null && cluster.getBytes(StandardCharsets.UTF_8).length > MAX_CLUSTER_BYTES) {
            throw new InvalidEventException(path + field + " is longer than " + MAX_CLUSTER_BYTES + " bytes");
        }
        return cluster;
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
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new InvalidEventException(path + field + " contains control characters");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: one character outside the Basic Multilingual Plane
            } else if (Character.isSurrogate(c)) {
                // A lone surrogate is no character at all: DynamoDB and every UTF-8 consumer refuse it.
                throw new InvalidEventException(path + field + " contains a lone UTF-16 surrogate");
            }
        }
        return text;
    }

    public static String taskId(JsonNode parent, String path, String field) throws InvalidEventException {
        return checkTaskId(path + field, requiredText(parent, path, field, MAX_ID_LENGTH));
    }

    public static String checkTaskId(String name, String taskId) throws InvalidEventException {
        if (!TaskIds.isValid(taskId)) {
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
