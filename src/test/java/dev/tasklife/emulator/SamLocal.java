package dev.tasklife.emulator;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.JsonFields;

/**
 * What {@code sam local invoke} gives a function of {@code template.yaml}, worked out without the SAM CLI or Docker
 * (neither is on our machines): the template read with its intrinsic functions kept, each variable the function
 * declares (Globals, then its own) resolved as the SAM CLI's resolver does (a parameter's override or default, a
 * resource's logical id for {@code Ref} and a Lambda function's ARN for its {@code Arn}, its fake account
 * 123456789012 and region us-east-1; an {@code Fn::If} with {@code AWS::NoValue} in a branch, and anything else it
 * cannot resolve, blank, never dropped), then the env-vars file's values for the variables declared
 * ({@code Parameters} for every function, then the function's own entry); the SAM CLI passes nothing else but its
 * own {@code AWS_*} variables. Following aws-sam-cli's samcli/local/lambdafn/env_vars.py and
 * samcli/lib/intrinsic_resolver.
 */
public final class SamLocal {

    /** The SAM CLI's stand-ins for the pseudo parameters. */
    public static final String ACCOUNT = "123456789012";
    private static final String REGION = "us-east-1";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final JsonNode template;

    private SamLocal(JsonNode template) {
        this.template = template;
    }

    public static SamLocal load() throws IOException {
        try (Reader reader = Files.newBufferedReader(ProjectFiles.resolve("template.yaml"))) {
            return new SamLocal(json(new Yaml().compose(reader)));
        }
    }

    /** The template with every short-form tag as its long form ({@code !Ref X} as {"Ref": "X"}). */
    public JsonNode template() {
        return template;
    }

    /** The logical ids of the template's functions, in its order. */
    public List<String> functions() {
        List<String> functions = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.add(resource.getKey());
            }
        });
        return functions;
    }

    /** The variables a function declares, Globals first, as written. */
    public Map<String, JsonNode> declared(String function) {
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        template.at("/Globals/Function/Environment/Variables").fields()
                .forEachRemaining(variable -> variables.put(variable.getKey(), variable.getValue()));
        template.at("/Resources/" + function + "/Properties/Environment/Variables").fields()
                .forEachRemaining(variable -> variables.put(variable.getKey(), variable.getValue()));
        return variables;
    }

    /**
     * The function's environment under {@code sam local invoke}, with {@code parameters} overriding the template's
     * defaults and {@code envVars} (the env-vars file's JSON) applied.
     */
    public Map<String, String> environment(String function, Map<String, String> parameters, JsonNode envVars) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> variable : declared(function).entrySet()) {
            JsonNode value = resolve(variable.getValue(), parameters);
            for (JsonNode source : List.of(envVars.path("Parameters"), envVars.path(function))) {
                if (source.has(variable.getKey())) {
                    value = source.get(variable.getKey());
                }
            }
            // A variable is never dropped: whatever the resolver leaves (None, an intrinsic) is passed as "".
            environment.put(variable.getKey(), value != null && value.isValueNode() ? value.asText() : "");
        }
        return environment;
    }

    /**
     * samconfig.toml's tables ({@code [dev.local_invoke.parameters]}) and their keys, for the subset of TOML it uses:
     * strings, booleans, lists of strings, comments.
     */
    public static Map<String, Map<String, JsonNode>> samConfig(Path file) throws IOException {
        Map<String, Map<String, JsonNode>> tables = new LinkedHashMap<>();
        Map<String, JsonNode> table = tables.computeIfAbsent("", key -> new LinkedHashMap<>());
        for (String line : Files.readAllLines(file)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                table = tables.computeIfAbsent(line.substring(1, line.length() - 1), key -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            // A TOML string, boolean or list of strings is also JSON.
            table.put(line.substring(0, equals).strip(), JsonFields.mapper().readTree(line.substring(equals + 1)));
        }
        return tables;
    }

    /** {@code Name=Value Name2=Value2}, as samconfig.toml's parameter_overrides and the CLI write them. */
    public static Map<String, String> parameterOverrides(String overrides) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : overrides.trim().split("\\s+")) {
            int equals = pair.indexOf('=');
            parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return parameters;
    }

    /** The node resolved; null for {@code AWS::NoValue}; an object or array where the SAM CLI would leave it. */
    private JsonNode resolve(JsonNode node, Map<String, String> parameters) {
        if (!node.isObject() || node.size() != 1) {
            return node;
        }
        String function = node.fieldNames().next();
        JsonNode argument = node.get(function);
        return switch (function) {
            case "Ref" -> ref(argument.asText(), parameters);
            // The SAM CLI resolves both branches first; AWS::NoValue in either fails the Fn::If, which is then left
            // unresolved (passed as ""), not dropped as CloudFormation drops it (aws-sam-cli issues 4510, 6205).
            case "Fn::If" -> argument.toString().contains("\"AWS::NoValue\"") ? node
                    : condition(argument.get(0).asText(), parameters) ? resolve(argument.get(1), parameters)
                    : resolve(argument.get(2), parameters);
            // Any resource's Arn is made as a Lambda function's (its arn_resolver); other attributes stay unresolved.
            case "Fn::GetAtt" -> argument.get(1).asText().equals("Arn")
                    ? NODES.textNode("arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + argument.get(0).asText())
                    : node;
            case "Fn::Join" -> join(argument.get(0).asText(), resolve(argument.get(1), parameters), parameters);
            case "Fn::Sub" -> sub(argument.asText(), parameters);
            default -> node;
        };
    }

    private JsonNode ref(String name, Map<String, String> parameters) {
        switch (name) {
            case "AWS::NoValue":
                return null;
            case "AWS::AccountId":
                return NODES.textNode(ACCOUNT);
            case "AWS::Region":
                return NODES.textNode(REGION);
            case "AWS::StackName":
                return NODES.textNode("local");
            default:
                break;
        }
        JsonNode parameter = template.path("Parameters").path(name);
        if (parameter.isMissingNode()) {
            return NODES.textNode(name); // a resource: its logical id
        }
        String value = parameters.getOrDefault(name, parameter.path("Default").asText(""));
        if (parameter.path("Type").asText().equals("CommaDelimitedList")) {
            ArrayNode list = NODES.arrayNode();
            for (String element : value.split(",")) {
                list.add(element.strip());
            }
            return list;
        }
        return NODES.textNode(value);
    }

    private boolean condition(String name, Map<String, String> parameters) {
        return truth(template.path("Conditions").path(name), parameters);
    }

    private boolean truth(JsonNode node, Map<String, String> parameters) {
        if (node.has("Condition")) {
            return condition(node.get("Condition").asText(), parameters);
        }
        if (node.has("Fn::Not")) {
            return !truth(node.get("Fn::Not").get(0), parameters);
        }
        if (node.has("Fn::Equals")) {
            JsonNode left = resolve(node.get("Fn::Equals").get(0), parameters);
            JsonNode right = resolve(node.get("Fn::Equals").get(1), parameters);
            return left != null && left.equals(right);
        }
        throw new IllegalArgumentException("a condition SamLocal does not evaluate: " + node);
    }

    private JsonNode join(String delimiter, JsonNode list, Map<String, String> parameters) {
        List<String> parts = new ArrayList<>();
        for (JsonNode element : list) {
            JsonNode value = resolve(element, parameters);
            if (value == null || !value.isValueNode()) {
                return NODES.objectNode(); // left unresolved: blank
            }
            parts.add(value.asText());
        }
        return NODES.textNode(String.join(delimiter, parts));
    }

    private JsonNode sub(String text, Map<String, String> parameters) {
        Matcher matcher = SUB.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            JsonNode value = name.contains(".") ? null : ref(name, parameters);
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(
                    value != null && value.isValueNode() ? value.asText() : matcher.group()));
        }
        return NODES.textNode(matcher.appendTail(resolved).toString());
    }

    private static JsonNode json(Node node) {
        String tag = node.getTag().getValue();
        JsonNode value;
        if (node instanceof MappingNode mapping) {
            ObjectNode object = NODES.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                object.set(((ScalarNode) tuple.getKeyNode()).getValue(), json(tuple.getValueNode()));
            }
            value = object;
        } else if (node instanceof SequenceNode sequence) {
            ArrayNode array = NODES.arrayNode();
            sequence.getValue().forEach(element -> array.add(json(element)));
            value = array;
        } else {
            value = NODES.textNode(((ScalarNode) node).getValue());
        }
        if (!tag.startsWith("!")) {
            return value;
        }
        String function = tag.substring(1);
        if (function.equals("GetAtt") && value.isTextual()) {
            String[] parts = value.asText().split("\\.", 2);
            value = NODES.arrayNode().add(parts[0]).add(parts[1]);
        }
        return NODES.objectNode().set(function.equals("Ref") || function.equals("Condition") ? function
                : "Fn::" + function, value);
    }
}
