package dev.tasklife.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.InvalidEventException;
import dev.tasklife.store.ListFilter;
import dev.tasklife.store.Shards;
import dev.tasklife.store.TaskStore;

/**
 * A cluster's tasks, page by page, as ECS's ListTasks: the shards of the cluster in the list index are read in order,
 * each by task id. One call reads at most {@code maxResults} index items (a filtered-out item counts: it was read),
 * so a filtered page may hold fewer ids, even none, and still a {@code nextToken}; the list is done when there is
 * no {@code nextToken}. Tasks written while a list is under way may or may not be in it, as with ECS.
 */
public final class TaskListing {

    /** ECS's limit and default for maxResults. */
    public static final int MAX_RESULTS = 100;

    private final TaskStore store;
    private final Shards shards;
    private final PageTokens tokens;

    public TaskListing(TaskStore store, Shards shards, PageTokens tokens) {
        this.store = store;
        this.shards = shards;
        this.tokens = tokens;
    }

    /** {@code nextToken} null: the first page. */
    public ObjectNode list(ListFilter filter, int maxResults, String nextToken) throws InvalidEventException {
        PageTokens.Position position = nextToken == null ? new PageTokens.Position(0, null)
                : tokens.read(nextToken, filter, shards.count());
        int shard = position.shard();
        String after = position.afterTaskId();
        int budget = maxResults;
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode taskIds = answer.putArray("taskIds");
        ArrayNode taskArns = answer.putArray("taskArns");
        while (budget > 0 && shard < shards.count()) {
            TaskStore.ShardPage page = store.listShard(filter, shard, after, budget);
            page.tasks().forEach(task -> {
                taskIds.add(task.taskId());
                taskArns.add(task.taskArn());
            });
            // An empty read still costs a request: at least one unit of the budget, so a call always ends.
            budget -= Math.max(1, page.itemsRead());
            if (page.continueAfter() != null) {
                after = page.continueAfter();
            } else {
                shard++;
                after = null;
            }
        }
        if (shard < shards.count()) {
            answer.put("nextToken", tokens.issue(filter, new PageTokens.Position(shard, after)));
        }
        return answer;
    }
}
