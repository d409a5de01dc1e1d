package dev.tasklife.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.tasklife.domain.Decision;
import dev.tasklife.domain.Lifecycle;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.OutboundEvent;
import dev.tasklife.store.TaskStore;
import dev.tasklife.store.TaskStore.WriteResult;

/**
 * Applies one event to its task: a blind conditional write first where the event allows it (one request in the
 * common case); otherwise, or if its condition fails, the record decides and a write guarded by that exact version
 * is tried. A rejection is published and answered, never thrown: an illegal move must not be retried forever.
 */
public class StatusChangeService {

    private static final Logger LOG = Logger.getLogger(StatusChangeService.class);
    /**
     * Each failed attempt means another writer changed the record in between: try again on the record as it now
     * is, after a short random pause so that racing writers spread out; give up (Lambda retries) after this many.
     */
    static final int MAX_ATTEMPTS = 10;
    private static final long BACKOFF_BASE_MILLIS = 4;
    private static final long BACKOFF_CAP_MILLIS = 200;

    private final TaskStore store;
    private final EventPublisher publisher;
    private final Lifecycle lifecycle;

    public StatusChangeService(TaskStore store, EventPublisher publisher, Lifecycle lifecycle) {
        this.store = store;
        this.publisher = publisher;
        this.lifecycle = lifecycle;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public StatusChangeResult apply(TaskEvent event) {
        TaskChange blind = lifecycle.firstAttempt(event);
        // An event that needs the record reads it (consistently) and writes on the version it read.
        TaskRecord current = blind == null ? store.find(event.taskId()).orElse(null) : null;
        return run(event, blind, current);
    }

    /** Applies an event to a record already in hand (the sweeper's, from its index): decided, then written. */
    public StatusChangeResult apply(TaskEvent event, TaskRecord known) {
        return run(event, null, known);
    }

    private StatusChangeResult run(TaskEvent event, TaskChange firstChange, TaskRecord known) {
        MDC.put("taskId", event.taskId());
        MDC.put("eventId", event.eventId());
        TaskChange change = firstChange;
        TaskRecord current = known;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (change == null) {
                if (current == null) {
                    return skipped(event, null, new Decision.Skip(Verdict.REJECTED,
                            "no task " + event.taskId() + " is recorded"));
                }
                Decision decision = lifecycle.decide(event, current);
                if (decision instanceof Decision.Skip skip) {
                    return skipped(event, current, skip);
                }
                change = ((Decision.Write) decision).change();
            }
            WriteResult result = store.apply(change);
            if (result.written()) {
                return written(event, change, result.record());
            }
            current = result.record();
            // A record that vanished (expired) since: start over as for a new task.
            change = current == null ? lifecycle.firstAttempt(event) : null;
            if (attempt > 1) {
                backOff(attempt);
            }
        }
        throw new ConcurrentUpdateException("task " + event.taskId() + " changed under " + MAX_ATTEMPTS
                + " attempts to apply event " + event.eventId());
    }

    /** Full jitter: a random pause below a ceiling that doubles with each attempt. */
    private static void backOff(int attempt) {
        long ceiling = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConcurrentUpdateException("interrupted while retrying task " + MDC.get("taskId"));
        }
    }

    private StatusChangeResult written(TaskEvent event, TaskChange change, TaskRecord after) {
        if (after.outcome() != null) {
            MDC.put("outcome", after.outcome().name());
        }
        // A blind write's new image is exact; an informed one made exactly version + 1, even where the record was
        // read back after a transaction and another writer has moved it on since.
        long version = change.guard().isBlind() ? after.version() : change.guard().version() + 1;
        List<OutboundEvent> events = new ArrayList<>();
        if (change.moveTo() != null) {
            addMoveEvents(events, after, version, event.eventId(), event.dedupeKey());
        }
        if (change.expiresAt() != null) {
            events.add(LifecycleEvents.expunged(after, event.dedupeKey()));
        }
        if (change.replacement() != null) {
            TaskChange creation = change.replacement();
            TaskRecord replacement = store.find(creation.taskId()).orElseThrow();
            events.add(LifecycleEvents.replacementRequested(after, replacement, event.dedupeKey()));
            addMoveEvents(events, replacement, 1, creation.cause(), creation.dedupeKey());
        }
        publisher.publish(events);
        Verdict verdict = change.moveTo() == null ? Verdict.UPDATED : Verdict.APPLIED;
        return log(new StatusChangeResult(verdict, event.taskId(), event.eventId(),
                change.moveTo() == null ? after.lastStatus() : after.transitionCausedBy(event.dedupeKey()).from(),
                change.moveTo() == null ? after.lastStatus() : change.moveTo(), version, change.replacedBy() == null ? null
                        : "replacement requested: " + change.replacedBy()));
    }

    /**
     * {@code Task State Changed}, and the step request when the move entered the phase of a step the task asked
     * for at launch (ECS performs its own steps: a task known only from ECS events asked for none).
     */
    private static void addMoveEvents(List<OutboundEvent> events, TaskRecord after, long version, String cause,
                                      String causeKey) {
        events.add(LifecycleEvents.stateChanged(after, version, cause, causeKey));
        Step step = Step.runningIn(after.transitionCausedBy(causeKey).to());
        if (step != null && after.steps().contains(step)) {
            events.add(LifecycleEvents.stepRequested(after, step, causeKey));
        }
    }

    private StatusChangeResult skipped(TaskEvent event, TaskRecord current, Decision.Skip skip) {
        if (skip.verdict() == Verdict.REJECTED) {
            publisher.publish(List.of(LifecycleEvents.rejected(event, current, skip.why())));
        }
        return log(new StatusChangeResult(skip.verdict(), event.taskId(), event.eventId(), null,
                current == null ? null : current.lastStatus(), current == null ? -1 : current.version(),
                skip.why()));
    }

    private static StatusChangeResult log(StatusChangeResult result) {
        MDC.put("verdict", result.verdict().name());
        if (result.verdict() == Verdict.APPLIED) {
            MDC.put("transition", result.from() + "->" + result.to());
        }
        Logger.Level level = result.verdict() == Verdict.REJECTED ? Logger.Level.WARN : Logger.Level.INFO;
        LOG.logf(level, "taskId=%s eventId=%s verdict=%s from=%s to=%s version=%d why=%s", result.taskId(),
                result.eventId(), result.verdict(), result.from(), result.to(), result.version(), result.why());
        return result;
    }
}
