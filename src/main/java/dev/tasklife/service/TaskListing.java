package dev.tasklife.service;

import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.input.InvalidEventException;
import dev.tasklife.store.ListFilter;
import dev.tasklife.store.Shards;
import dev.tasklife.store.IndexQueries;

/**
 * A cluster's tasks, page by page, as ECS's ListTasks: the shards of the cluster in the list index are read in order,
 * each by task id. A page holds {@code maxResults} ids whenever that many remain: it reads on across shards (and,
 * with filters, past the items they drop) within one call, and stops short only when the invocation's time runs
 * low, with a {@code nextToken} to go on. The list is done when there is no {@code nextToken}; a last page may be
 * empty. Tasks written while a list is under way may or may not be in it, as with ECS.
 */
public final class TaskListing {

    /** ECS's limit and default for maxResults. */
    public static final int MAX_RESULTS = 100;
    /** Index items one filtered Query reads at most: a filter may drop most of them. */
    static final int FILTERED_READ = 500;
    /**
     * The time a call keeps in hand: with less left it answers the ids it has, with a nextToken; an empty page only
     * under {@link #LAST_MILLIS}, where the invocation would otherwise time out.
     */
    static final long SAFETY_MARGIN_MILLIS = 2_000;
    static final long LAST_MILLIS = 500;

    private final IndexQueries index;
    private final Shards shards;
    private final PageTokens tokens;

    public TaskListing(IndexQueries index, Shards shards, PageTokens tokens) {
        this.index = index;
        this.shards = shards;
        this.tokens = tokens;
    }

    /** {@code nextToken} null: the first page; {@code remainingMillis}: the invocation's time left. */
    public ObjectNode list(ListFilter filter, int maxResults, String nextToken, LongSupplier remainingMillis)
            throws InvalidEventException {
        PageTokens.Position position = nextToken == null ? new PageTokens.Position(0, null)
                : tokens.read(nextToken, filter, shards.count());
        int shard = position.shard();
        String after = position.afterTaskId();
        boolean filtered = filter.serviceName() != null || filter.desiredStatus() != null
                || filter.lastStatus() != null;
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode taskIds = answer.putArray("taskIds");
        ArrayNode taskArns = answer.putArray("taskArns");
        boolean firstQuery = true;
        while (taskIds.size() < maxResults && shard < shards.count()) {
            long remaining = remainingMillis.getAsLong();
            if (!firstQuery && (remaining < LAST_MILLIS
                    || (remaining < SAFETY_MARGIN_MILLIS && !taskIds.isEmpty()))) {
                break;
            }
            firstQuery = false;
            int wanted = maxResults - taskIds.size();
            IndexQueries.ShardPage page = index.listShard(filter, shard, after,
                    filtered ? Math.max(wanted, FILTERED_READ) : wanted);
            boolean full = false;
            for (IndexQueries.ListedTask task : page.tasks()) {
                if (taskIds.size() == maxResults) {
                    full = true; // the page is full before this shard's page is: go on after the last one taken
                    break;
                }
                taskIds.add(task.taskId());
                taskArns.add(task.taskArn());
                after = task.taskId();
            }
            if (!full) {
                if (page.continueAfter() != null) {
                    after = page.continueAfter();
                } else {
                    shard++;
                    after = null;
                }
            }
        }
        if (shard < shards.count()) {
            answer.put("nextToken", tokens.issue(filter, new PageTokens.Position(shard, after)));
        }
        return answer;
    }
}
