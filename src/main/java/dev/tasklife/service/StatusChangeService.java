package dev.tasklife.service;

import java.util.List;

import org.jboss.logging.Logger;

import dev.tasklife.domain.Decision;
import dev.tasklife.domain.Lifecycle;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.store.TaskStore;
import dev.tasklife.store.TaskStore.WriteResult;

/**
 * Applies one status-change event: a blind conditional write first (one request in the common case); if its
 * condition fails, the record it returned decides what the event means, and a write guarded by that exact version
 * is tried. A rejection is published and answered, never thrown: an illegal move must not be retried forever.
 */
public class StatusChangeService {

    private static final Logger LOG = Logger.getLogger(StatusChangeService.class);
    /** Each failed attempt means another writer changed the record in between; give up after a few. */
    static final int MAX_ATTEMPTS = 5;

    private final TaskStore store;
    private final EventPublisher publisher;

    public StatusChangeService(TaskStore store, EventPublisher publisher) {
        this.store = store;
        this.publisher = publisher;
    }

    public StatusChangeResult apply(TaskEvent event) {
        TaskChange change = Lifecycle.firstAttempt(event);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            WriteResult result = store.apply(change);
            if (result.written()) {
                return written(event, change, result.record());
            }
            TaskRecord current = result.record();
            if (current == null) {
                // The record vanished (expired) since it was read: start over as for a new task.
                change = Lifecycle.firstAttempt(event);
                continue;
            }
            Decision decision = Lifecycle.decide(event, current);
            if (decision instanceof Decision.Skip skip) {
                return skipped(event, current, skip);
            }
            change = ((Decision.Write) decision).change();
        }
        throw new ConcurrentUpdateException("task " + event.taskId() + " changed under " + MAX_ATTEMPTS
                + " attempts to apply event " + event.eventId());
    }

    private StatusChangeResult written(TaskEvent event, TaskChange change, TaskRecord after) {
        if (change.moveTo() == null) {
            return log(new StatusChangeResult(Verdict.UPDATED, event.taskId(), event.eventId(), after.lastStatus(),
                    after.lastStatus(), after.version(), "fields updated, no phase move"));
        }
        publisher.publish(List.of(LifecycleEvents.stateChanged(event, after)));
        return log(new StatusChangeResult(Verdict.APPLIED, event.taskId(), event.eventId(),
                after.lastTransition().from(), after.lastStatus(), after.version(), null));
    }

    private StatusChangeResult skipped(TaskEvent event, TaskRecord current, Decision.Skip skip) {
        if (skip.verdict() == Verdict.REJECTED) {
            publisher.publish(List.of(LifecycleEvents.rejected(event, current, skip.why())));
        }
        return log(new StatusChangeResult(skip.verdict(), event.taskId(), event.eventId(), null,
                current.lastStatus(), current.version(), skip.why()));
    }

    private static StatusChangeResult log(StatusChangeResult result) {
        Logger.Level level = result.verdict() == Verdict.REJECTED ? Logger.Level.WARN : Logger.Level.INFO;
        LOG.logf(level, "taskId=%s eventId=%s verdict=%s from=%s to=%s version=%d why=%s", result.taskId(),
                result.eventId(), result.verdict(), result.from(), result.to(), result.version(), result.why());
        return result;
    }
}
