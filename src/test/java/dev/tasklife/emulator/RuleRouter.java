package dev.tasklife.emulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.event.ruler.Machine;

/**
 * The event routing of {@code template.yaml}, matched by AWS's own pattern matcher (Event Ruler): every
 * EventBridgeRule event of every function and every {@code AWS::Events::Rule}, per bus. A rule names its target:
 * the function's logical id, or the rule's own.
 */
public final class RuleRouter {

    /** ECS puts its events on the account's default bus; everything of ours goes on the lifecycle bus. */
    public static final String DEFAULT_BUS = "default";
    public static final String LIFECYCLE_BUS = "LifecycleBus";

    private final Map<String, Machine> machines = new HashMap<>();

    private RuleRouter() {
    }

    public static RuleRouter fromTemplate(SamTemplate template) throws Exception {
        RuleRouter router = new RuleRouter();
        for (Iterator<Map.Entry<String, JsonNode>> resources = template.resources(); resources.hasNext(); ) {
            Map.Entry<String, JsonNode> resource = resources.next();
            JsonNode properties = resource.getValue().path("Properties");
            switch (resource.getValue().path("Type").asText()) {
                case "AWS::Serverless::Function" -> {
                    for (JsonNode event : properties.path("Events")) {
                        if (event.path("Type").asText().equals("EventBridgeRule")) {
                            router.add(event.path("Properties"), "Pattern", resource.getKey(), template);
                        }
                    }
                }
                case "AWS::Events::Rule" -> router.add(properties, "EventPattern", resource.getKey(), template);
                default -> {
                }
            }
        }
        return router;
    }

    private void add(JsonNode rule, String patternField, String target, SamTemplate template) throws Exception {
        String bus = rule.path("EventBusName").asText(DEFAULT_BUS);
        machines.computeIfAbsent(bus, name -> new Machine())
                .addRule(target, template.resolveParameters(rule.path(patternField)).toString());
    }

    /** The targets an event put on {@code bus} reaches. */
    public List<String> targets(String bus, String event) throws IOException {
        Machine machine = machines.get(bus);
        try {
            return machine == null ? List.of() : new ArrayList<>(machine.rulesForJSONEvent(event));
        } catch (Exception e) {
            throw new IOException("Event Ruler could not read the event: " + e.getMessage(), e);
        }
    }

    /** The bus an event of this source is put on. */
    public static String busOf(JsonNode event) {
        return event.path("source").asText().equals("aws.ecs") ? DEFAULT_BUS : LIFECYCLE_BUS;
    }
}
