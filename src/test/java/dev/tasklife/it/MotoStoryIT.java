package dev.tasklife.it;

import static dev.tasklife.Fixtures.launch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.emulated.ScenarioSuite;
import dev.tasklife.profiles.OnMoto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A task's whole story, beyond the moves its record keeps, kept in the bus's archive (template.yaml's
 * LifecycleArchive, made on moto as declared) and replayed as docs/operations.md says, through the functions' CDI
 * wiring against moto.
 */
@QuarkusTest
@TestProfile(OnMoto.class)
class MotoStoryIT extends ScenarioSuite {

    /**
     * lifecycle.md: the record keeps the latest moves and the full story goes out move by move. A task that moved more
     * often than its record keeps has its whole story replayed from the bus's archive with what describe names
     * (docs/operations.md, "Replaying a task's story"), every move once, in order, and nothing of other tasks.
     */
    @Test
    void aTasksWholeStoryIsReplayedFromTheArchiveWithWhatDescribeNames() throws Exception {
        stack.aws.startArchiving();
        try {
            replaysTheWholeStory("storied.1");
        } finally {
            stack.aws.stopArchiving();
        }
    }

    private void replaysTheWholeStory(String taskId) throws Exception {
        stack.apply(launch(taskId, "web", false, false, null));
        for (int report = 0; report < 14; report++) {
            AgentState state = report == 0 ? AgentState.STAGING
                    : report % 2 == 1 ? AgentState.RUNNING : AgentState.UNREACHABLE;
            stack.apply(Fixtures.agent(taskId, state, report + 1, UUID.randomUUID().toString()));
        }
        stack.drainNotifications();
        JsonNode described = stack.describe(taskId);
        JsonNode story = described.get("story");
        assertEquals(stack.aws.archiveArn, story.get("archive").asText());
        int moves = described.get("moves").asInt();
        assertTrue(moves > story.get("movesKept").asInt(), "older moves than the record keeps: " + story);

        List<JsonNode> replayed = stack.aws.replay(story);
        List<JsonNode> changes = replayed.stream()
                .filter(event -> event.path("detail-type").asText().equals("Task State Changed")).toList();
        assertTrue(replayed.stream().allMatch(event -> event.at("/detail/taskId").asText().equals(taskId)));
        assertEquals(moves, changes.size(), "every move once");
        assertEquals(moves, changes.stream().map(event -> event.at("/detail/eventId").asText()).distinct().count());
        List<String> kept = new ArrayList<>();
        described.get("history").forEach(move -> kept.add(move.get("to").asText()));
        List<String> lastReplayed = changes.stream()
                .sorted(Comparator.comparingLong(event -> event.at("/detail/version").asLong()))
                .skip(moves - kept.size()).map(event -> event.at("/detail/to").asText()).toList();
        assertEquals(kept, lastReplayed, "the replay ends with the moves the record kept");
    }
}
