package dev.tasklife.emulator;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The project's {@code template.yaml}, read so that tests use the very event patterns that get deployed.
 * YAML short-form tags ({@code !Ref}) are dropped by the reader; a {@code !Ref} to a template parameter is resolved
 * to the parameter's default (a list for a {@code CommaDelimitedList}), {@code AWS::AccountId} to the account the
 * test deploys in, and {@code TrustedAccounts}, which has no default, to that account alone.
 */
public final class SamTemplate {

    private final JsonNode root;
    private final String account;

    private SamTemplate(JsonNode root, String account) {
        this.root = root;
        this.account = account;
    }

    /** The account of the sample events under events/: the local run and the tests trust it. */
    public static final String SAMPLE_ACCOUNT = "111122223333";

    /** The template as deployed in the sample events' account. */
    public static SamTemplate load() throws IOException {
        return load(SAMPLE_ACCOUNT);
    }

    /** The template as deployed in {@code account} (moto's own account is 123456789012). */
    public static SamTemplate load(String account) throws IOException {
        return new SamTemplate(new ObjectMapper(new YAMLFactory())
                .readTree(ProjectFiles.resolve("template.yaml").toFile()), account);
    }

    public JsonNode resource(String logicalId) {
        JsonNode resource = root.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
        }
        return resource;
    }

    /** The EventPattern of an {@code AWS::Events::Rule}, parameters resolved, as EventBridge takes it. */
    public String eventPattern(String ruleLogicalId) {
        return resolveParameters(resource(ruleLogicalId).path("Properties").path("EventPattern")).toString();
    }

    public String parameterDefault(String parameter) {
        return root.path("Parameters").path(parameter).path("Default").asText();
    }

    /** The environment variables every function gets (Globals), as written: intrinsic functions unresolved. */
    public Map<String, JsonNode> globalEnvironment() {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        root.path("Globals").path("Function").path("Environment").path("Variables").fields()
                .forEachRemaining(variable -> variables.put(variable.getKey(), variable.getValue()));
        return variables;
    }

    /** The handler a function of the template runs: its QUARKUS_LAMBDA_HANDLER. */
    public String handlerOf(String functionLogicalId) {
        return resource(functionLogicalId).at("/Properties/Environment/Variables/QUARKUS_LAMBDA_HANDLER").asText();
    }

    public Iterator<Map.Entry<String, JsonNode>> resources() {
        return root.path("Resources").fields();
    }

    /** The node with every {@code !Ref} to a template parameter replaced by the parameter's default. */
    public JsonNode resolveParameters(JsonNode node) {
        if (node.isTextual() && node.textValue().equals("AWS::AccountId")) {
            return JsonNodeFactory.instance.textNode(account);
        }
        if (node.isTextual() && node.textValue().equals("TrustedAccounts")) {
            return JsonNodeFactory.instance.arrayNode().add(account);
        }
        if (node.isTextual() && root.path("Parameters").has(node.textValue())) {
            JsonNode parameter = root.path("Parameters").path(node.textValue());
            if (parameter.path("Type").asText().equals("CommaDelimitedList")) {
                ArrayNode values = JsonNodeFactory.instance.arrayNode();
                for (String value : parameter.path("Default").asText().split(",")) {
                    values.add(value.strip());
                }
                return values;
            }
            return parameter.path("Default");
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(resolveParameters(element)));
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(field.getKey(), resolveParameters(field.getValue()));
            }
            return copy;
        }
        return node;
    }
}
