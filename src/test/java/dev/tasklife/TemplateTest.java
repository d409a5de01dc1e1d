package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.domain.EventTypes;
import dev.tasklife.emulated.SamTemplate;
import dev.tasklife.handler.StatusChangeHandler;
import jakarta.inject.Named;

/** template.yaml is valid CloudFormation/SAM and deploys exactly the handlers the code has. */
class TemplateTest {

    @Test
    void cfnLintPassesOffline() throws IOException, InterruptedException {
        Process lint;
        try {
            lint = new ProcessBuilder("cfn-lint", "template.yaml").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cfn-lint is needed for the template check (.ci/run checks it)", e);
        }
        assertTrue(lint.waitFor(120, TimeUnit.SECONDS), "cfn-lint did not finish");
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, lint.exitValue(), output);
    }

    @Test
    void everyFunctionRunsAHandlerTheArtifactHas() throws IOException {
        Set<String> handlers = new TreeSet<>();
        for (Class<?> handler : new Class<?>[] {dev.tasklife.handler.StatusChangeHandler.class,
                dev.tasklife.handler.StepCompletionHandler.class, dev.tasklife.handler.SweeperHandler.class,
                dev.tasklife.handler.PublisherHandler.class,
                dev.tasklife.handler.DescribeHandler.class}) {
            handlers.add(handler.getAnnotation(Named.class).value());
        }
        SamTemplate template = SamTemplate.load();
        Set<String> deployed = new TreeSet<>();
        for (String function : new String[] {"StatusChangeFunction", "StepCompletionFunction", "SweeperFunction",
                "PublisherFunction", "DescribeFunction"}) {
            JsonNode resource = template.resource(function);
            assertEquals("AWS::Serverless::Function", resource.path("Type").asText());
            deployed.add(resource.at("/Properties/Environment/Variables/QUARKUS_LAMBDA_HANDLER").asText());
        }
        assertEquals(handlers, deployed);
    }

    private static Set<String> detailTypesRoutedTo(String function) throws IOException {
        JsonNode events = SamTemplate.load().resource(function).at("/Properties/Events");
        Set<String> detailTypes = new TreeSet<>();
        events.forEach(event -> event.at("/Properties/Pattern/detail-type")
                .forEach(type -> detailTypes.add(type.asText())));
        return detailTypes;
    }

    @Test
    void eachFunctionIsRoutedExactlyTheDetailTypesItHandles() throws IOException {
        assertEquals(new TreeSet<>(StatusChangeHandler.HANDLED), detailTypesRoutedTo("StatusChangeFunction"));
        assertEquals(Set.of(EventTypes.TASK_STEP_COMPLETED), detailTypesRoutedTo("StepCompletionFunction"));
    }

    @Test
    void theSweepIndexIsSparseOnTheAttributesTheStoreWrites() throws IOException {
        JsonNode table = SamTemplate.load().resource("TaskTable").path("Properties");
        JsonNode index = table.path("GlobalSecondaryIndexes").get(0);
        assertEquals("sweep", index.path("IndexName").asText());
        assertEquals("sweepKind", index.at("/KeySchema/0/AttributeName").asText());
        assertEquals("sweepSince", index.at("/KeySchema/1/AttributeName").asText());
        assertEquals("expiresAt", table.at("/TimeToLiveSpecification/AttributeName").asText());
    }
}
