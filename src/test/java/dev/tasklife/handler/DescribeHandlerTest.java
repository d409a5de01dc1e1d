package dev.tasklife.handler;

import static dev.tasklife.Fixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.Phase;
import dev.tasklife.emulated.Invocations;
import dev.tasklife.service.PageTokens;
import dev.tasklife.service.StoryArchive;
import dev.tasklife.service.TaskListing;
import dev.tasklife.store.IndexQueries;
import dev.tasklife.store.TaskReads;

@ExtendWith(MockitoExtension.class)
class DescribeHandlerTest {

    @Mock
    TaskReads store;
    @Mock
    IndexQueries index;

    private static final String ARCHIVE = "arn:aws:events:us-west-2:111122223333:archive/LifecycleArchive-1A2B3C";

    private JsonNode describe(String input) {
        TaskListing listing = new TaskListing(index, Fixtures.LIST_SHARDS,
                PageTokens.fromText("a-test-key-of-at-least-32-bytes-0123456789"));
        return Invocations.invoke(new DescribeHandler(store, listing,
                new StoryArchive(ARCHIVE, "dev.tasklife"), Fixtures.NO_METRICS), input);
    }

    private String invalid(String input) {
        JsonNode answer = describe(input);
        assertEquals("INVALID", answer.path("verdict").asText(), answer.toString());
        verifyNoInteractions(store, index);
        return answer.get("error").asText();
    }

    private static String ids(int count) {
        return IntStream.range(0, count).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void aKnownTaskIsDescribedWithItsStateHistoryAndLineage() throws Exception {
        when(store.find("t1")).thenReturn(Optional.of(record("t1", Phase.RUNNING, 3).build()));
        JsonNode answer = describe("{\"taskId\":\"t1\"}");
        assertTrue(answer.get("found").asBoolean());
        assertEquals("RUNNING", answer.at("/task/lastStatus").asText());
        assertEquals("RUNNING", answer.at("/task/desiredStatus").asText());
        assertEquals(3, answer.at("/task/version").asLong());
        assertEquals("RUNNING", answer.at("/history/0/to").asText());
        assertTrue(answer.at("/history/0/from").isNull());
        assertTrue(answer.has("lineage"));
    }

    @Test
    void theAnswerSaysWhereTheMovesOlderThanTheKeptOnesAreAndHowToPickTheTasksOut() throws Exception {
        when(store.find("t1")).thenReturn(Optional.of(record("t1", Phase.RUNNING, 3).build()));
        JsonNode story = describe("{\"taskId\":\"t1\"}").get("story");
        assertEquals(ARCHIVE, story.get("archive").asText());
        assertEquals(1, story.get("movesKept").asInt());
        assertEquals("{\"source\":[\"dev.tasklife\"],\"detail\":{\"taskId\":[\"t1\"]}}",
                story.get("eventPattern").toString(), "the pattern a replay's rule takes");
        assertTrue(story.has("from") && story.has("to"), "the replay's time span: " + story);
        assertEquals("docs/operations.md#replaying-a-tasks-story", story.get("replay").asText());
    }

    @Test
    void anUnknownTaskGetsAClearNotFound() throws Exception {
        when(store.find("nope")).thenReturn(Optional.empty());
        JsonNode answer = describe("{\"taskId\":\"nope\"}");
        assertFalse(answer.get("found").asBoolean());
        assertEquals("TaskNotFound", answer.get("error").asText());
    }

    @Test
    void aMissingTaskIdIsInvalid() throws Exception {
        JsonNode answer = describe("{\"task\":\"t1\"}");
        assertEquals("INVALID", answer.get("verdict").asText());
        assertEquals("taskId, taskIds or cluster is required", answer.get("error").asText());
        verifyNoInteractions(store, index);
    }

    @Test
    void severalTasksAreAtMostAHundredValidIds() {
        assertTrue(invalid("{\"taskIds\":" + ids(101) + "}").contains("1 to 100"));
        assertTrue(invalid("{\"taskIds\":[]}").contains("1 to 100"));
        assertTrue(invalid("{\"taskIds\":\"t1\"}").contains("1 to 100"));
        assertTrue(invalid("{\"taskIds\":[\"t1\", 2]}").contains("strings"));
        assertTrue(invalid("{\"taskIds\":[\"t 1\"]}").contains("taskIds[]"));
    }

    @Test
    void aHundredIdsAreOneReadEachOnceAndTheUnknownOnesAreMissing() {
        when(store.findAll(anyCollection(), eq(true))).thenAnswer(call -> new TaskReads.Records(
                Map.of("t1", record("t1", Phase.RUNNING, 3).build()), Map.of(), 0));
        JsonNode answer = describe("{\"taskIds\":" + ids(100).replace("\"t99\"", "\"t1\"") + "}");
        ArgumentCaptor<Collection<String>> asked = ArgumentCaptor.captor();
        verify(store).findAll(asked.capture(), eq(true));
        assertEquals(99, asked.getValue().size(), "t1 twice is read once");
        assertEquals(1, answer.path("tasks").size());
        assertEquals("t1", answer.at("/tasks/0/task/taskId").asText());
        assertEquals(98, answer.path("failures").size(), "each unknown id once");
        assertEquals("MISSING", answer.at("/failures/0/reason").asText());
        assertEquals("t0", answer.at("/failures/0/taskId").asText());
    }

    @Test
    void fieldsAFormDoesNotTakeAreInvalid() {
        assertTrue(invalid("{\"taskId\":\"t1\",\"cluster\":\"c\"}").contains("unknown field cluster"));
        assertTrue(invalid("{\"taskIds\":[\"t1\"],\"include\":[\"TAGS\"]}").contains("unknown field include"));
        assertTrue(invalid("{\"cluster\":\"c\",\"status\":\"RUNNING\"}").contains("unknown field status"));
    }

    @Test
    void aListTakesKnownFiltersAndOneToAHundredResults() {
        assertTrue(invalid("{\"cluster\":\"c\",\"maxResults\":0}").contains("1 to 100"));
        assertTrue(invalid("{\"cluster\":\"" + "\u20ac".repeat(700) + "\"}").contains("longer than 1024 bytes"),
                "a cluster too long for the list index's key is refused, not sent to DynamoDB");
        assertTrue(invalid("{\"cluster\":\"c\",\"maxResults\":101}").contains("1 to 100"));
        assertTrue(invalid("{\"cluster\":\"c\",\"maxResults\":\"10\"}").contains("1 to 100"));
        assertTrue(invalid("{\"cluster\":\"c\",\"maxResults\":1.5}").contains("1 to 100"));
        assertTrue(invalid("{\"cluster\":\"c\",\"desiredStatus\":\"PENDING\"}").contains("desiredStatus"));
        assertTrue(invalid("{\"cluster\":\"c\",\"lastStatus\":\"running\"}").contains("lastStatus"));
        assertTrue(invalid("{\"cluster\":\"\"}").contains("cluster is required"));
        assertTrue(invalid("{\"cluster\":\"c\",\"nextToken\":\"forged.token\"}").contains("nextToken"));
    }
}
