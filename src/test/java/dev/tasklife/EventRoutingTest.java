package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.Step;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.emulator.RuleRouter;
import dev.tasklife.emulator.SamTemplate;
import dev.tasklife.input.JsonFields;

/**
 * The rules of template.yaml, matched by AWS's Event Ruler against the sample events: each one reaches exactly the
 * functions it should, and what the functions publish reaches the notifications queue and no function (no loops).
 */
class EventRoutingTest {

    private static final Map<String, String> FUNCTION_OF = Map.of(
            EventTypes.ECS_TASK_STATE_CHANGE, "StatusChangeFunction",
            EventTypes.TASK_STATUS_UPDATE, "StatusChangeFunction",
            EventTypes.TASK_LAUNCH_REQUESTED, "StatusChangeFunction",
            EventTypes.TASK_STOP_REQUESTED, "StatusChangeFunction",
            EventTypes.TASK_STEP_COMPLETED, "StepCompletionFunction");

    private static RuleRouter router;

    @BeforeAll
    static void loadTemplate() throws Exception {
        router = RuleRouter.fromTemplate(SamTemplate.load());
    }

    static Stream<Path> sampleEvents() throws Exception {
        // Not bus events: the describe function's and the backfill's CLI payloads, a schedule's event, a stream batch
        // and sam local's env-vars file.
        return Files.list(ProjectFiles.resolve("events")).filter(path -> path.toString().endsWith(".json"))
                .filter(path -> !path.getFileName().toString().matches(
                        "(describe.*|list-tasks|backfill|scheduled|stream-.*|sam-env)\\.json"))
                .sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleEvents")
    void eachSampleEventReachesExactlyItsFunction(Path file) throws Exception {
        JsonNode event = JsonFields.mapper().readTree(file.toFile());
        String expected = FUNCTION_OF.get(event.get("detail-type").asText());
        assertEquals(List.of(expected), router.targets(RuleRouter.busOf(event), event.toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleEvents")
    void aSampleEventFromAnotherSourceOrAccountReachesNoFunction(Path file) throws Exception {
        ObjectNode event = (ObjectNode) JsonFields.mapper().readTree(file.toFile());
        String bus = RuleRouter.busOf(event);
        assertEquals(List.of(), router.targets(bus, event.deepCopy().put("source", "evil.example").toString()));
        assertEquals(List.of(), router.targets(bus, event.deepCopy().put("account", "999999999999").toString()));
        assertEquals(List.of(), router.targets(bus, event.deepCopy().put("source", "dev.tasklife").toString()),
                "the service's own source");
    }

    @Test
    void everySampleDetailTypeIsCovered() throws Exception {
        assertEquals(FUNCTION_OF.keySet(), sampleEvents().map(path -> {
            try {
                return JsonFields.mapper().readTree(path.toFile()).get("detail-type").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).collect(Collectors.toSet()));
    }

    @Test
    void anEcsEventOnTheLifecycleBusOrFromAnotherSourceReachesNothing() throws Exception {
        ObjectNode ecs = (ObjectNode) JsonFields.mapper().readTree(ProjectFiles.resolve("events", "ecs-task-running.json").toFile());
        assertEquals(List.of(), router.targets(RuleRouter.LIFECYCLE_BUS, ecs.toString()));
        ecs.put("source", "not.ecs");
        assertEquals(List.of(), router.targets(RuleRouter.DEFAULT_BUS, ecs.toString()));
    }

    @Test
    void whatTheFunctionsPublishReachesTheNotificationsQueueAndNoFunction() throws Exception {
        List<String> published = Stream.concat(Stream.of(EventTypes.TASK_STATE_CHANGED,
                        EventTypes.TASK_TRANSITION_REJECTED, EventTypes.TASK_REPLACEMENT_REQUESTED,
                        EventTypes.TASK_EXPUNGED, EventTypes.TASK_KILL_REQUESTED),
                Stream.of(Step.values()).map(EventTypes::stepRequested)).toList();
        for (String detailType : published) {
            ObjectNode event = JsonFields.mapper().createObjectNode();
            event.put("id", "x").put("detail-type", detailType).put("source", "dev.tasklife")
                    .put("account", Fixtures.ACCOUNT)
                    .put("time", "2026-11-25T10:00:00Z").putObject("detail").put("taskId", "t1");
            assertEquals(List.of("LifecycleNotificationsRule"),
                    router.targets(RuleRouter.LIFECYCLE_BUS, event.toString()), detailType);
        }
    }
}
