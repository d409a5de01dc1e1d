package dev.tasklife.service;

import java.util.ArrayList;
import java.util.List;

import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Transition;
import dev.tasklife.publish.OutboundEvent;

/**
 * What one write to a task said, as events: read off the record before and after it (a DynamoDB stream record).
 * A move appended to the history is {@code Task State Changed} (and a step request when it entered the phase of a
 * step the task asked for); a tombstone that appeared is {@code Task Expunged}; a task created as a replacement is
 * {@code Task Replacement Requested}; a kill the write requested (an agent task wanted STOPPED entering STOPPING, a
 * kill retried, a task reported live while it must not run) is {@code Task Kill Requested}. The ids are the same
 * however often the same write is read.
 */
public final class FollowUps {

    private FollowUps() {
    }

    public static List<OutboundEvent> of(TaskRecord before, TaskRecord after) {
        List<OutboundEvent> events = new ArrayList<>();
        if (after == null) {
            return events; // removed (TTL): nothing to tell
        }
        long known = before == null ? 0 : before.moves();
        List<HistoryEntry> history = after.history();
        List<Transition> moves = after.transitions();
        // The moves a write made are the last of the history it kept (it may have dropped older ones).
        int made = (int) Math.min(history.size(), Math.max(0, after.moves() - known));
        for (int i = history.size() - made; i < history.size(); i++) {
            String causeKey = history.get(i).dedupeKey();
            // One write appends at most one move, so the record's version is the version that move made.
            events.add(LifecycleEvents.stateChanged(after, after.version(), moves.get(i), causeKey));
            Step step = Step.runningIn(moves.get(i).to());
            if (step != null && after.steps().contains(step)) {
                events.add(LifecycleEvents.stepRequested(after, step, moves.get(i), causeKey));
            }
        }
        if (after.killsRequested() > (before == null ? 0 : before.killsRequested())) {
            events.add(LifecycleEvents.killAttempt(before, after, made > 0));
        }
        if (after.isExpunged() && (before == null || !before.isExpunged())) {
            events.add(LifecycleEvents.expunged(after, after.history().get(history.size() - 1).dedupeKey()));
        }
        if (after.replacementOf() != null && known == 0 && !history.isEmpty()) {
            events.add(LifecycleEvents.replacementRequested(after, history.get(0).dedupeKey()));
        }
        return events;
    }
}
