package dev.tasklife.it;

import static dev.tasklife.Fixtures.CLUSTER;
import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.launch;
import static dev.tasklife.Fixtures.taskArn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.emulated.SeededScenarioSuite;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Describe as ECS's DescribeTasks and ListTasks: several tasks in one BatchGetItem, unknown ones MISSING; a cluster
 * of 250 tasks listed page by page from the sharded list index (every id once, never a Scan), with filters, never
 * mixed with another cluster; page tokens that cannot be forged.
 */
abstract class DescribeScenarios extends SeededScenarioSuite {

    private static final int ECS_TASKS = 250;
    private static final int OTHER_CLUSTER_TASKS = 20;
    private static final String OTHER_CLUSTER = "marathon-east";
    private static final int SHARDS = 16;
    /** Every fifth ECS task is stopped; every other one belongs to service "web". */
    private static final IntPredicate STOPPED = i -> i % 5 == 0;
    private static final IntPredicate WEB = i -> i % 2 == 0;

    @BeforeAll
    void seed() {
        for (int i = 0; i < ECS_TASKS; i++) {
            String service = WEB.test(i) ? "web" : "batch";
            stack.apply(ecs(ecsId(i), service, Phase.RUNNING, 1));
            if (STOPPED.test(i)) {
                stack.apply(ecs(ecsId(i), service, Phase.STOPPED, 2));
            }
        }
        for (int i = 0; i < OTHER_CLUSTER_TASKS; i++) {
            stack.apply(launch("mesos-" + i, "web", false, false, null));
        }
    }

    private static String ecsId(int i) {
        return "ecs-" + i;
    }

    private static TaskEvent.EcsStateChange ecs(String taskId, String service, Phase lastStatus, long version) {
        boolean stopped = lastStatus == Phase.STOPPED;
        return new TaskEvent.EcsStateChange("ecs-" + taskId + "-" + version, T0.plusSeconds(version), taskId,
                taskArn(taskId), CLUSTER, service, lastStatus, stopped ? DesiredStatus.STOPPED : DesiredStatus.RUNNING,
                version, stopped ? "EssentialContainerExited" : null, stopped ? "exited" : null, false, null, null);
    }

    private static Set<String> ecsIds(IntPredicate which) {
        return IntStream.range(0, ECS_TASKS).filter(which).mapToObj(DescribeScenarios::ecsId)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private JsonNode describe(ObjectNode input) {
        return stack.invoke("describe", input.toString());
    }

    /** Every page of a list, first to last; each id must come once. */
    private List<JsonNode> pages(ObjectNode request) {
        List<JsonNode> pages = new ArrayList<>();
        JsonNode page;
        do {
            page = describe(request);
            assertFalse(page.has("verdict"), page.toString());
            pages.add(page);
            request.put("nextToken", page.path("nextToken").asText(null));
        } while (page.has("nextToken"));
        return pages;
    }

    private Set<String> listed(ObjectNode request) {
        List<String> ids = new ArrayList<>();
        pages(request).forEach(page -> page.path("taskIds").forEach(id -> ids.add(id.asText())));
        Set<String> once = new TreeSet<>(ids);
        assertEquals(ids.size(), once.size(), "no task listed twice");
        return once;
    }

    private static ObjectNode list(String cluster) {
        return JsonNodeFactory.instance.objectNode().put("cluster", cluster);
    }

    @Test
    void severalTasksAreOneBatchGetAndTheUnknownOnesAreMissing() {
        stack.dynamoRequests.reset();
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.putArray("taskIds").add("ecs-1").add("nobody").add("mesos-3").add("ecs-1");
        JsonNode answer = describe(input);

        assertEquals(List.of("ecs-1", "mesos-3"), List.of(answer.at("/tasks/0/task/taskId").asText(),
                answer.at("/tasks/1/task/taskId").asText()));
        assertEquals(2, answer.path("tasks").size(), "a duplicate id is described once");
        assertEquals("RUNNING", answer.at("/tasks/0/task/lastStatus").asText());
        assertEquals("RUNNING", answer.at("/tasks/0/history/0/to").asText(), "each task as describe shows it");
        assertEquals(1, answer.path("failures").size());
        assertEquals("nobody", answer.at("/failures/0/taskId").asText());
        assertEquals("MISSING", answer.at("/failures/0/reason").asText());
        assertEquals(1, stack.dynamoRequests.count("BatchGetItem"), stack.dynamoRequests.all().toString());
        assertEquals(1, stack.dynamoRequests.total(), "one request in all: " + stack.dynamoRequests.all());
    }

    @Test
    void aLargeClusterIsListedInPagesOfAHundredEachTaskOnceAndNeverScanned() {
        stack.dynamoRequests.reset();
        List<Integer> queriesPerPage = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<JsonNode> pages = new ArrayList<>();
        ObjectNode request = list(CLUSTER).put("maxResults", 100);
        JsonNode page;
        do {
            int before = stack.dynamoRequests.count("Query");
            page = describe(request);
            queriesPerPage.add(stack.dynamoRequests.count("Query") - before);
            pages.add(page);
            page.path("taskIds").forEach(id -> ids.add(id.asText()));
            request.put("nextToken", page.path("nextToken").asText(null));
        } while (page.has("nextToken"));

        System.out.printf("[describe] %d tasks in %d pages %s, Query requests per page %s, all requests %s%n",
                ids.size(), pages.size(), pages.stream().map(p -> p.path("taskIds").size()).toList(), queriesPerPage,
                stack.dynamoRequests.all());
        assertEquals(3, pages.size());
        assertEquals(ECS_TASKS, ids.size(), "every task once");
        assertEquals(ecsIds(i -> true), new TreeSet<>(ids));
        assertEquals(taskArn(ids.get(0)), pages.get(0).at("/taskArns/0").asText(), "each id with its ARN");
        pages.forEach(p -> assertTrue(p.path("taskIds").size() <= 100));
        assertEquals(0, stack.dynamoRequests.count("Scan"));
        assertEquals(Set.of("Query"), stack.dynamoRequests.all().keySet(), "only the index is read");
        queriesPerPage.forEach(queries -> assertTrue(queries <= SHARDS + 1, "at most every shard once: " + queries));
    }

    @Test
    void filtersKeepOnlyTheTasksAskedFor() {
        assertEquals(ecsIds(STOPPED), listed(list(CLUSTER).put("desiredStatus", "STOPPED")));
        assertEquals(ecsIds(STOPPED.negate()), listed(list(CLUSTER).put("desiredStatus", "RUNNING")));
        assertEquals(ecsIds(STOPPED.negate()), listed(list(CLUSTER).put("lastStatus", "RUNNING")));
        assertEquals(ecsIds(WEB), listed(list(CLUSTER).put("serviceName", "web")));
        assertEquals(ecsIds(WEB.and(STOPPED)),
                listed(list(CLUSTER).put("serviceName", "web").put("lastStatus", "STOPPED").put("maxResults", 7)));
        assertEquals(Set.of(), listed(list(CLUSTER).put("lastStatus", "UNREACHABLE")));
    }

    @Test
    void aPageHoldsMaxResultsIdsWheneverThatManyRemainReadingOnAcrossShards() {
        ObjectNode fewTasks = list(OTHER_CLUSTER).put("maxResults", 1);
        ObjectNode everyTask = list(CLUSTER).put("maxResults", 7);
        ObjectNode oneService = list(CLUSTER).put("serviceName", "web").put("maxResults", 3);
        ObjectNode fewMatches = list(CLUSTER).put("serviceName", "web").put("lastStatus", "STOPPED").put("maxResults", 4);
        for (ObjectNode request : List.of(fewTasks, everyTask, oneService, fewMatches)) {
            int maxResults = request.get("maxResults").asInt();
            List<JsonNode> pages = pages(request.deepCopy());
            int ids = pages.stream().mapToInt(page -> page.path("taskIds").size()).sum();
            List<Integer> sizes = pages.stream().map(page -> page.path("taskIds").size()).toList();
            for (JsonNode page : pages) {
                if (page.has("nextToken")) {
                    assertEquals(maxResults, page.path("taskIds").size(), request + ": pages " + sizes);
                }
            }
            assertTrue(pages.size() <= (ids + maxResults - 1) / maxResults + 1, request + ": pages " + sizes
                    + " for " + ids + " tasks: at most one last page, empty, beyond those the tasks fill");
        }
    }

    @Test
    void theTasksOfTwoClustersAreNeverMixed() {
        Set<String> other = listed(list(OTHER_CLUSTER).put("maxResults", 3));
        assertEquals(IntStream.range(0, OTHER_CLUSTER_TASKS).mapToObj(i -> "mesos-" + i).collect(Collectors.toSet()),
                other);
        assertEquals(Set.of(), listed(list(OTHER_CLUSTER).put("serviceName", "batch")));
        assertEquals(Set.of(), listed(list("no-such-cluster")));
        assertEquals(Set.of(), listed(list(CLUSTER.substring(0, CLUSTER.length() - 1))), "no prefix match");
    }

    @Test
    void aClustersTasksAreSpreadOverEveryShard() {
        Map<Integer, Integer> perShard = new TreeMap<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            int s = shard;
            perShard.put(shard, stack.dynamo.query(query -> query.tableName(stack.tableName).indexName("byCluster")
                    .keyConditionExpression("clusterShard = :key")
                    .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(CLUSTER + "#" + s)))
                    .select(Select.COUNT)).count());
        }
        System.out.printf("[describe] %d tasks per shard: %s%n", ECS_TASKS, perShard);
        assertEquals(ECS_TASKS, perShard.values().stream().mapToInt(Integer::intValue).sum());
        // 250 over 16 is about 16 a shard: no shard empty, none holding more than three times its share.
        perShard.forEach((shard, count) -> assertTrue(count > 0 && count <= 3 * ECS_TASKS / SHARDS,
                "shard " + shard + " holds " + count));
    }

    @Test
    void aForgedOrMisusedTokenIsInvalidAndReadsNothing() {
        String token = describe(list(CLUSTER).put("maxResults", 10)).path("nextToken").asText();
        int dot = token.indexOf('.');
        String flipped = token.substring(0, dot - 1) + (token.charAt(dot - 1) == 'A' ? 'B' : 'A')
                + token.substring(dot);
        Set<String> tokens = new HashSet<>(List.of(flipped, token.substring(0, token.length() - 2),
                "eyJ2IjoxLCJzaGFyZCI6MywiYWZ0ZXIiOm51bGx9.AAAA", "not a token"));
        stack.dynamoRequests.reset();
        for (String forged : tokens) {
            JsonNode answer = describe(list(CLUSTER).put("maxResults", 10).put("nextToken", forged));
            assertEquals("INVALID", answer.path("verdict").asText(), forged + " -> " + answer);
            assertTrue(answer.path("error").asText().contains("nextToken"), answer.toString());
        }
        JsonNode otherFilters = describe(list(CLUSTER).put("desiredStatus", "STOPPED").put("nextToken", token));
        assertEquals("INVALID", otherFilters.path("verdict").asText());
        assertTrue(otherFilters.path("error").asText().contains("other filters"), otherFilters.toString());
        assertEquals(0, stack.dynamoRequests.total(), "nothing read for a token refused");
        assertNull(describe(list(CLUSTER).put("maxResults", 10).put("nextToken", token)).get("verdict"),
                "the token itself still works");
    }
}
