package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.SamLocalFilesTest.Invocation;
import dev.tasklife.emulator.EmulatedStack;
import dev.tasklife.emulator.MotoServer;
import dev.tasklife.emulator.PackagedFunctions;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.emulator.SamLocal;
import dev.tasklife.input.JsonFields;
import dev.tasklife.local.LocalRun;

/**
 * The README's "SAM local" lines, each run as {@code sam local invoke --config-env dev} would run it, without the
 * SAM CLI or Docker: the packaged function ({@code target/function.zip}, AWS's runtime interface client) with exactly
 * the environment the SAM CLI gives it ({@link SamLocal}: the template's variables resolved its way, samconfig.toml's
 * parameters, events/sam-env.json; the host gateway's address standing for this machine's moto), against the local
 * run's table and bus, with the README's event. Each answers as the function does in the cloud.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamLocalIT {

    private static final String HOST_GATEWAY = "http://host.docker.internal:5000";

    private MotoServer moto;
    private EmulatedStack stack;

    @BeforeAll
    void startTheLocalRunsTable() throws Exception {
        moto = MotoServer.start();
        stack = EmulatedStack.create(moto.endpoint(), LocalRun.LOCAL_NAME);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void everyFunctionTheReadmeInvokesLocallyAnswersItsEvent() throws Exception {
        SamLocal sam = SamLocal.load();
        List<Invocation> invocations = SamLocalFilesTest.readmeInvocations();
        assertEquals(sam.functions().size(), invocations.stream().map(Invocation::function).distinct().count());
        for (Invocation invocation : invocations) {
            Map<String, String> environment = new LinkedHashMap<>();
            SamLocalFilesTest.localEnvironment(sam, invocation.function()).forEach((name, value) ->
                    environment.put(name, value.replace(HOST_GATEWAY, moto.endpoint().toString())));
            // What the SAM CLI adds of its own (env_vars.py): the region samconfig.toml names, placeholder keys.
            environment.put("AWS_SAM_LOCAL", "true");
            environment.put("AWS_REGION", EmulatedStack.REGION);
            environment.put("AWS_DEFAULT_REGION", EmulatedStack.REGION);
            environment.put("AWS_ACCESS_KEY_ID", "defaultkey");
            environment.put("AWS_SECRET_ACCESS_KEY", "defaultsecret");
            try (PackagedFunctions function = PackagedFunctions.start(PackagedFunctions.functionZip(), environment,
                    List.of(environment.get("QUARKUS_LAMBDA_HANDLER")), 1, List.of())) {
                byte[] event = Files.readAllBytes(ProjectFiles.resolve(invocation.event()));
                JsonNode answer = JsonFields.mapper().readTree(
                        function.function(environment.get("QUARKUS_LAMBDA_HANDLER")).invoke(event));
                assertFalse(answer.has("errorMessage") || answer.path("verdict").asText().equals("INVALID"),
                        invocation + ": " + answer);
                check(invocation, answer);
            }
        }
    }

    /** What each README line shows. */
    private static void check(Invocation invocation, JsonNode answer) {
        switch (invocation.event()) {
            case "events/ecs-task-running.json", "events/launch-requested.json" ->
                    assertEquals("APPLIED", answer.path("verdict").asText(), invocation + ": " + answer);
            case "events/describe.json" -> {
                assertTrue(answer.path("found").asBoolean(), "the ECS task the line before recorded: " + answer);
                assertTrue(answer.at("/story/eventPattern/detail/taskId").isArray(), answer.toString());
            }
            case "events/stream-insert-running.json" ->
                    assertEquals(0, answer.path("batchItemFailures").size(), answer.toString());
            default -> assertTrue(answer.isObject(), invocation + ": " + answer);
        }
    }
}
