package dev.tasklife.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.tasklife.domain.Decision;
import dev.tasklife.domain.Lifecycle;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskLookup;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Transition;
import dev.tasklife.domain.Verdict;
import dev.tasklife.publish.EventPublisher;
import dev.tasklife.publish.Jitter;
import dev.tasklife.publish.OutboundEvent;
import dev.tasklife.store.ConditionalWrite;
import dev.tasklife.store.TaskReads;
import dev.tasklife.store.UnreadableItemException;
import dev.tasklife.store.WriteResult;

/**
 * Applies one event to its task: a blind conditional write first where the event allows it (one request in the
 * common case); otherwise, or if its condition fails, the record decides and a write guarded by that exact version
 * is tried. What a write says is published from the table's stream, not from here. A rejection writes nothing, so
 * it is published here, and answered, never thrown: an illegal move must not be retried forever.
 */
public class StatusChangeService {

    private static final Logger LOG = Logger.getLogger(StatusChangeService.class);
    /**
     * Each failed attempt means another writer changed the record in between: try again on the record as it now
     * is, after a short random pause so that racing writers spread out; give up (Lambda retries) after this many.
     */
    static final int MAX_ATTEMPTS = 10;
    /** The log context one event sets; cleared before the next. */
    private static final List<String> EVENT_LOG_FIELDS = List.of("taskId", "eventId", "verdict", "move",
            "requested", "outcome");
    private static final long BACKOFF_BASE_MILLIS = 4;
    private static final long BACKOFF_CAP_MILLIS = 200;

    private final ConditionalWrite writes;
    private final TaskReads tasks;
    private final EventPublisher publisher;
    private final Lifecycle lifecycle;

    public StatusChangeService(ConditionalWrite writes, TaskReads tasks, EventPublisher publisher,
                               Lifecycle lifecycle) {
        this.writes = writes;
        this.tasks = tasks;
        this.publisher = publisher;
        this.lifecycle = lifecycle;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public StatusChangeResult apply(TaskEvent event) {
        TaskChange blind = lifecycle.firstAttempt(event);
        // An event that needs the record reads it (consistently) and writes on the version it read.
        TaskRecord current = blind == null ? tasks.find(event.taskId()).orElse(null) : null;
        return run(event, blind, current);
    }

    /** Applies an event to a record already in hand (the sweeper's, from its index): decided, then written. */
    public StatusChangeResult apply(TaskEvent event, TaskRecord known) {
        return run(event, null, known);
    }

    /** Removes what one event put in the log context; a sweep applies many events in one invocation. */
    static void clearEventContext() {
        EVENT_LOG_FIELDS.forEach(MDC::remove);
    }

    private StatusChangeResult run(TaskEvent event, TaskChange firstChange, TaskRecord known) {
        clearEventContext();
        MDC.put("taskId", event.taskId());
        MDC.put("eventId", event.eventId());
        TaskChange change = firstChange;
        TaskRecord current = known;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (change == null) {
                if (current == null) {
                    // Without a record the task's steps are unknown, and with them where the event leads.
                    return rejected(event, null, new Decision.Reject(null, "no task " + event.taskId()
                            + " is recorded", false));
                }
                switch (lifecycle.decide(event, current, this::standIn)) {
                    case Decision.Skip skip -> {
                        return skipped(event, current, skip);
                    }
                    case Decision.Reject reject -> {
                        return rejected(event, current, reject);
                    }
                    case Decision.Refuse refuse -> {
                        return log(new StatusChangeResult(Verdict.INVALID, event.taskId(), event.eventId(),
                                current.lastStatus(), null, null, current.version(), refuse.why(), null));
                    }
                    case Decision.Write write -> change = write.change();
                }
            }
            WriteResult result = writes.apply(change, current);
            if (result.written()) {
                return written(event, change, result.record(), current);
            }
            if (result.replacementIdTaken()) {
                // The record is as decided on; only the replacement's id was taken: decide again, with a new one.
                LOG.warnf("replacement id %s for task %s is taken; choosing another", change.replacedBy(),
                        event.taskId());
                change = null;
                continue;
            }
            current = result.record();
            // A record that vanished since: start over as for a new task.
            change = current == null ? lifecycle.firstAttempt(event) : null;
            if (attempt > 1) {
                backOff(attempt);
            }
        }
        throw new ConcurrentUpdateException("task " + event.taskId() + " changed under " + MAX_ATTEMPTS
                + " attempts to apply event " + event.eventId());
    }

    /** Another task's record a decision depends on; one this version cannot read is named so, not thrown through. */
    private Optional<TaskRecord> standIn(String taskId) {
        try {
            return tasks.find(taskId);
        } catch (UnreadableItemException e) {
            throw new TaskLookup.Unreadable(taskId, e);
        }
    }

    /** Full jitter: a random pause below a ceiling that doubles with each attempt. */
    private static void backOff(int attempt) {
        long ceiling = Math.min(BACKOFF_CAP_MILLIS, BACKOFF_BASE_MILLIS << attempt);
        try {
            Thread.sleep(Jitter.upTo(ceiling));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConcurrentUpdateException("interrupted while retrying task " + MDC.get("taskId"));
        }
    }

    /**
     * The write is made; what it says goes out from the table's stream ({@link FollowUps}, the publisher
     * function), so that no follow-up is lost when this invocation fails after writing.
     *
     * @param after the record the write left (its new image), or null after a transaction, which returns none
     * @param before the record the write was decided on, or null for a blind write
     */
    private StatusChangeResult written(TaskEvent event, TaskChange change, TaskRecord after, TaskRecord before) {
        if (change.outcome() != null) {
            MDC.put("outcome", change.outcome().name());
        }
        // A blind write's new image is exact; an informed one made exactly version + 1.
        long version = change.guard().isBlind() ? after.version() : change.guard().version() + 1;
        String replacement = change.replacedBy();
        List<String> said = new ArrayList<>();
        if (replacement != null) {
            said.add("replacement requested: " + replacement);
        }
        if (change.requestKill()) {
            said.add("kill requested");
        }
        String why = said.isEmpty() ? null : String.join("; ", said);
        if (change.moveTo() == null) {
            Phase stays = after != null ? after.lastStatus() : before.lastStatus();
            return log(new StatusChangeResult(Verdict.UPDATED, event.taskId(), event.eventId(), stays, null, null,
                    version, why, replacement));
        }
        // A blind move is the history's entry for this event; an informed one left the phase it was decided on.
        Phase from = change.guard().isBlind() ? movedFrom(after, event) : before.lastStatus();
        return log(new StatusChangeResult(Verdict.APPLIED, event.taskId(), event.eventId(), change.moveTo(),
                new StatusChangeResult.Move(from, change.moveTo()), null, version, why, replacement));
    }

    private static Phase movedFrom(TaskRecord after, TaskEvent event) {
        Transition move = after.transitionCausedBy(event.dedupeKey());
        return move == null ? null : move.from();
    }

    private StatusChangeResult skipped(TaskEvent event, TaskRecord current, Decision.Skip skip) {
        return log(new StatusChangeResult(skip.verdict(), event.taskId(), event.eventId(), current.lastStatus(), null,
                skip.requested(), current.version(), skip.why(), null));
    }

    /**
     * A rejection writes nothing, so it is published from here (and, for a task that runs although it is STOPPED
     * for good, the request to kill it). If publishing fails the invocation fails, and Lambda's retry publishes.
     */
    private StatusChangeResult rejected(TaskEvent event, TaskRecord current, Decision.Reject reject) {
        List<OutboundEvent> events = new ArrayList<>();
        events.add(LifecycleEvents.rejected(event, current, reject));
        if (reject.killTask()) {
            events.add(LifecycleEvents.killRequested(event, current, reject.why()));
        }
        publisher.publish(events);
        return log(new StatusChangeResult(Verdict.REJECTED, event.taskId(), event.eventId(),
                current == null ? null : current.lastStatus(), null, reject.requested(),
                current == null ? -1 : current.version(), reject.why(), null));
    }

    private static StatusChangeResult log(StatusChangeResult result) {
        MDC.put("verdict", result.verdict().name());
        if (result.move() != null) {
            MDC.put("move", result.move().toString());
        }
        if (result.requested() != null) {
            MDC.put("requested", result.requested().name());
        }
        Logger.Level level = result.verdict() == Verdict.REJECTED || result.verdict() == Verdict.INVALID
                ? Logger.Level.WARN : Logger.Level.INFO;
        LOG.logf(level, "taskId=%s eventId=%s verdict=%s phase=%s move=%s requested=%s version=%d why=%s",
                result.taskId(), result.eventId(), result.verdict(), result.phase(), result.move(), result.requested(),
                result.version(), result.why());
        return result;
    }
}
