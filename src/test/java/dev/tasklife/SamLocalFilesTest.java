package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.emulator.RuleRouter;
import dev.tasklife.emulator.SamLocal;
import dev.tasklife.emulator.SamTemplate;
import dev.tasklife.input.JsonFields;

/**
 * The SAM local set-up (samconfig.toml, events/sam-env.json, the README's commands) held consistent with
 * template.yaml, since neither the SAM CLI nor Docker runs here: each function's environment is worked out as the
 * SAM CLI gives it ({@link SamLocal}); {@code SamLocalIT} then runs the packaged functions with it.
 */
class SamLocalFilesTest {

    /** A README line that invokes a function locally with a sample event. */
    record Invocation(String function, String event) {
    }

    private static final Pattern INVOKE = Pattern.compile(
            "^sam local invoke (\\w+) --config-env (\\w+) -e (\\S+)", Pattern.MULTILINE);

    /** Variables the functions read as "none" when empty. */
    private static final Set<String> OPTIONAL = Set.of("JAVA_TOOL_OPTIONS", "RECONCILE_ADOPT_CLUSTERS",
            "STORY_ARCHIVE_ARN");

    private static SamLocal sam;
    private static Map<String, Map<String, JsonNode>> config;

    @BeforeAll
    static void load() throws Exception {
        sam = SamLocal.load();
        config = SamLocal.samConfig(ProjectFiles.resolve("samconfig.toml"));
    }

    /** The README's {@code sam local invoke} lines, in its order. */
    static List<Invocation> readmeInvocations() throws Exception {
        List<Invocation> invocations = new ArrayList<>();
        Matcher matcher = INVOKE.matcher(Files.readString(ProjectFiles.resolve("README.md")));
        while (matcher.find()) {
            assertEquals("dev", matcher.group(2), matcher.group());
            invocations.add(new Invocation(matcher.group(1), matcher.group(3)));
        }
        return invocations;
    }

    /** What {@code --config-env dev} gives {@code sam local invoke} (samconfig.toml). */
    private static Map<String, JsonNode> localInvoke() throws Exception {
        return SamLocal.samConfig(ProjectFiles.resolve("samconfig.toml")).get("dev.local_invoke.parameters");
    }

    /** Its env-vars file. */
    static JsonNode localEnvVars() throws Exception {
        return JsonFields.mapper().readTree(ProjectFiles.resolve(localInvoke().get("env_vars").asText()).toFile());
    }

    /** A function's environment under {@code sam local invoke --config-env dev}: its parameters, its env-vars file. */
    static Map<String, String> localEnvironment(SamLocal sam, String function) throws Exception {
        return sam.environment(function, SamLocal.parameterOverrides(
                localInvoke().get("parameter_overrides").asText()), localEnvVars());
    }

    @Test
    void everyParameterSamconfigGivesIsTheTemplatesAndTakesItsValue() {
        config.forEach((table, keys) -> {
            if (!keys.containsKey("parameter_overrides")) {
                return;
            }
            SamLocal.parameterOverrides(keys.get("parameter_overrides").asText()).forEach((name, value) -> {
                JsonNode parameter = sam.template().path("Parameters").path(name);
                assertFalse(parameter.isMissingNode(), table + ": template.yaml has no parameter " + name);
                List<String> values = parameter.path("Type").asText().equals("CommaDelimitedList")
                        ? List.of(value.split(",")) : List.of(value);
                for (String each : values) {
                    if (parameter.has("AllowedValues")) {
                        assertTrue(parameter.get("AllowedValues").toString().contains("\"" + each + "\""),
                                table + ": " + name + "=" + each + " is not allowed");
                    }
                    if (parameter.has("AllowedPattern")) {
                        assertTrue(each.matches(parameter.get("AllowedPattern").asText()),
                                table + ": " + name + "=" + each + " does not match the parameter's pattern");
                    }
                }
            });
        });
    }

    @Test
    void theDevEnvironmentRunsTheJvmZipAndGivesLocalRunsTheEnvVarsFile() throws Exception {
        for (String command : List.of("deploy", "local_invoke", "local_start_lambda")) {
            Map<String, JsonNode> keys = config.get("dev." + command + ".parameters");
            assertEquals("jvm", SamLocal.parameterOverrides(keys.get("parameter_overrides").asText())
                    .get("Packaging"), command + ": ./mvnw package makes the JVM zip; native needs -Pnative");
            if (command.startsWith("local")) {
                assertTrue(Files.isRegularFile(ProjectFiles.resolve(keys.get("env_vars").asText())), command);
                assertEquals("[\"host.docker.internal:host-gateway\"]", keys.get("add_host").toString(), command
                        + ": on Linux the container reaches the local run's moto only through the host gateway");
                assertEquals(EmulatedStack.REGION, keys.get("region").asText(), command + ": the local run's region,"
                        + " whatever the user's profile says");
            }
        }
        assertEquals("native", SamLocal.parameterOverrides(config.get("default.deploy.parameters")
                .get("parameter_overrides").asText()).get("Packaging"), "the design card's default deployment");
    }

    @Test
    void theEnvVarsFileSetsOnlyVariablesTheTemplateDeclaresForThatFunction() throws Exception {
        JsonNode envVars = localEnvVars();
        envVars.fieldNames().forEachRemaining(key -> {
            List<String> functions = key.equals("Parameters") ? sam.functions() : List.of(key);
            assertTrue(key.equals("Parameters") || sam.functions().contains(key), "no function " + key);
            envVars.get(key).fieldNames().forEachRemaining(variable -> {
                for (String function : functions) {
                    // The SAM CLI ignores a variable the template does not declare, without a word.
                    assertTrue(sam.declared(function).containsKey(variable), function + " does not declare "
                            + variable + ": sam local would not pass it");
                }
            });
        });
    }

    @Test
    void underSamLocalEveryFunctionFindsTheLocalTableAndBusAndTrustsTheSampleEvents() throws Exception {
        for (String function : sam.functions()) {
            Map<String, String> environment = localEnvironment(sam, function);
            assertEquals("task-lifecycle", environment.get("TABLE_NAME"), function + ", not the logical id");
            assertEquals("task-lifecycle", environment.get("EVENT_BUS_NAME"), function);
            for (String endpoint : List.of("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE",
                    "TASKLIFE_EVENTBRIDGE_ENDPOINT_OVERRIDE", "TASKLIFE_ECS_ENDPOINT_OVERRIDE")) {
                assertEquals("http://host.docker.internal:5000", environment.get(endpoint), function + " " + endpoint);
            }
            // The sample events come from this account; the SAM CLI's own is 123456789012.
            assertTrue(List.of(environment.get("TRUSTED_ACCOUNTS").split(",")).contains(SamTemplate.SAMPLE_ACCOUNT),
                    function);
            assertEquals(SamTemplate.SAMPLE_ACCOUNT, environment.get("TRUSTED_ECS_ACCOUNTS"), function);
            environment.forEach((name, value) -> {
                assertFalse(value.startsWith("{{resolve:"), function + " " + name + " is a deploy-time reference");
                assertFalse(sam.template().path("Resources").has(value), function + " " + name + " is a logical id");
                assertFalse(value.startsWith("arn:aws:lambda:" + EmulatedStack.REGION + ":" + SamLocal.ACCOUNT),
                        function + " " + name + " is the SAM CLI's made-up ARN: " + value);
                // The SAM CLI passes a variable the template sets only when a deployment gives a value as "",
                // which the functions refuse for a number (SmallRye takes "" for no value, not for the default).
                assertTrue(!value.isEmpty() || OPTIONAL.contains(name), function + " " + name + " is empty");
            });
        }
    }

    @Test
    void theReadmeInvokesEveryFunctionWithAnEventItGetsInTheCloud() throws Exception {
        RuleRouter router = RuleRouter.fromTemplate(SamTemplate.load());
        Set<String> invoked = new LinkedHashSet<>();
        for (Invocation invocation : readmeInvocations()) {
            Path event = ProjectFiles.resolve(invocation.event());
            assertTrue(Files.isRegularFile(event), invocation.event());
            JsonNode function = sam.template().path("Resources").path(invocation.function());
            assertEquals("AWS::Serverless::Function", function.path("Type").asText(), invocation.function());
            invoked.add(invocation.function());
            JsonNode payload = JsonFields.mapper().readTree(event.toFile());
            Set<String> sources = new LinkedHashSet<>();
            function.at("/Properties/Events").forEach(source -> sources.add(source.path("Type").asText()));
            if (payload.has("detail-type") && payload.path("source").asText().equals("aws.events")) {
                assertTrue(sources.contains("Schedule"), invocation + ": not run on a schedule");
            } else if (payload.has("detail-type")) {
                assertEquals(List.of(invocation.function()),
                        router.targets(RuleRouter.busOf(payload), payload.toString()), invocation.toString());
            } else if (payload.has("Records")) {
                assertEquals(Set.of("DynamoDB"), sources, invocation + ": not fed by the table's stream");
            } else {
                assertEquals(Set.of(), sources, invocation + ": a CLI payload for a function invoked by events");
            }
        }
        assertEquals(Set.copyOf(sam.functions()), invoked, "every function has a line in the README");
    }

    @Test
    void theReadmeStartsLambdaLocallyAndInvokesItsEndpoint() throws Exception {
        String readme = Files.readString(ProjectFiles.resolve("README.md"));
        assertTrue(readme.contains("sam local start-lambda --config-env dev"), "start-lambda");
        Matcher invoke = Pattern.compile("aws lambda invoke --endpoint-url http://127\\.0\\.0\\.1:3001 --function-name"
                + " (\\w+) --no-sign-request \\\\\n  --region " + EmulatedStack.REGION).matcher(readme);
        assertTrue(invoke.find(), "an invoke of start-lambda's endpoint (port 3001 by default)");
        assertTrue(sam.functions().contains(invoke.group(1)), invoke.group(1));
    }
}
