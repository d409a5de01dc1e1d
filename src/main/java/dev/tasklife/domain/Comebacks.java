package dev.tasklife.domain;

import static dev.tasklife.domain.Phase.RUNNING;
import static dev.tasklife.domain.Phase.STOPPED;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.tasklife.domain.TaskEvent.AgentStatusUpdate;

/**
 * A service task reported RUNNING after its replacement was requested while it was UNREACHABLE (lifecycle.md,
 * "Returning tasks"), decided with the records of its <em>stand-ins</em>: the live tasks along its chain of
 * replacements (a replacement that failed was replaced in turn, one UNREACHABLE may have its own).
 *
 * <ul>
 * <li>No stand-in is live (they stopped, or are decommissioned): the task is the service's instance again. It returns
 * to RUNNING and its replacement link is released, so a later outage gets it a new replacement.</li>
 * <li>OLDEST_FIRST, with a stand-in that is RUNNING and wanted running: the task is the one stopped (desiredStatus
 * STOPPED, down its stop path); the youngest such stand-in is kept, and is written in the same transaction, guarded
 * by the version read, so that the two can never both go.</li>
 * <li>Otherwise (YOUNGEST_FIRST, Marathon's default, or no stand-in that runs: one still starting, unreachable or
 * on its way out is never kept in place of a task that runs): the task returns to RUNNING and keeps its place (the
 * link is released); every live stand-in gets desiredStatus STOPPED and starts its stop path in the same
 * transaction, guarded by its version, exactly as a stop request would move it.</li>
 * </ul>
 * The one stopped is decommissioned (never replaced, whatever ends it), names the one kept ({@code surplusKept}),
 * and is killed once its stop path reaches STOPPING ({@code Task Kill Requested}, from its stream record): after its
 * deactivation step, if it has one. The one kept names the one stopped ({@code surplusStopped}).
 */
final class Comebacks {

    /**
     * How many replacements of a chain are read. A replacement is made only when its predecessor failed or became
     * unreachable, each with a random id, so a longer chain means a service that failed this often within one
     * outage of the task; the stand-ins beyond are not read, and the task that came back is the one stopped.
     */
    static final int MAX_CHAIN = 32;

    /**
     * The live stand-ins, oldest first, read along the chain; {@code unread}: the first link not read (the chain
     * is longer than {@link #MAX_CHAIN}), null when the whole chain was read. A link without a record ends the
     * chain: no task stands in there.
     */
    private record StandIns(List<TaskRecord> live, String unread) {
    }

    private final AllowedMoves moves;

    Comebacks(AllowedMoves moves) {
        this.moves = moves;
    }

    Decision decide(TaskChange.Builder fields, TaskRecord returned, AgentStatusUpdate report, TaskLookup tasks) {
        StandIns standIns = standIns(returned, tasks);
        if (standIns.unread() != null) {
            // Whoever stands in beyond the links read is not known: the one known to be extra is the one back.
            fields.decommission("surplus: back from UNREACHABLE; its chain of replacements is not read past "
                    + standIns.unread()).surplusKept(standIns.unread());
            return moves.moveOrReject(fields, returned, backUp(returned, DesiredStatus.STOPPED));
        }
        if (standIns.live().isEmpty()) {
            fields.releaseReplacement(returned.replacedBy());
            return moves.moveOrReject(fields, returned, backUp(returned, returned.desiredStatus()));
        }
        List<TaskRecord> running = standIns.live().stream()
                .filter(standIn -> standIn.lastStatus() == RUNNING
                        && standIn.desiredStatus() != DesiredStatus.STOPPED)
                .toList();
        if (returned.killSelection() == KillSelection.OLDEST_FIRST && !running.isEmpty()) {
            TaskRecord kept = running.get(running.size() - 1);
            fields.decommission("surplus: back from UNREACHABLE while " + kept.taskId() + " stood in for it;"
                            + " OLDEST_FIRST stops this one")
                    .surplusKept(kept.taskId()).companion(kept, stays(kept, returned, report, fields));
            return moves.moveOrReject(fields, returned, backUp(returned, DesiredStatus.STOPPED));
        }
        TaskRecord youngest = standIns.live().get(standIns.live().size() - 1);
        fields.releaseReplacement(returned.replacedBy()).surplusStopped(youngest.taskId());
        for (TaskRecord standIn : standIns.live()) {
            fields.companion(standIn, stop(standIn, returned, report, fields));
        }
        return moves.moveOrReject(fields, returned, backUp(returned, returned.desiredStatus()));
    }

    /** Where a RUNNING report puts the returning task, given what is now desired of it. */
    private static Phase backUp(TaskRecord returned, DesiredStatus desired) {
        return RequestedPhase.ofAgentState(AgentState.RUNNING, returned.lastStatus(), returned.steps(),
                desired == DesiredStatus.STOPPED || returned.outcome() != null);
    }

    /**
     * The live tasks along the chain of replacements from {@code returned}, oldest first. Every link is followed:
     * a stopped replacement's replacement stands in for it, and so does an unreachable one's.
     */
    private static StandIns standIns(TaskRecord returned, TaskLookup tasks) {
        List<TaskRecord> live = new ArrayList<>();
        String next = returned.replacedBy();
        for (int read = 0; next != null; read++) {
            if (read == MAX_CHAIN) {
                return new StandIns(live, next);
            }
            TaskRecord replacement;
            try {
                replacement = tasks.find(next).orElse(null);
            } catch (TaskLookup.Unreadable e) {
                // A stand-in written by a newer version: whoever stands in from there is not known, as past the
                // links read; the task that came back is the one stopped (one unreadable item fails only itself).
                return new StandIns(live, next);
            }
            if (replacement == null) {
                break;
            }
            // One whose step failed on its way up is live: not decommissioned, it would be replaced when it stops.
            if (replacement.lastStatus() != STOPPED && !replacement.decommissioned()) {
                live.add(replacement);
            }
            next = replacement.replacedBy();
        }
        return new StandIns(live, null);
    }

    /** The change that writes to a stand-in, caused by the returning task's report. */
    private static TaskChange.Builder standInChange(TaskRecord standIn, TaskRecord returned, AgentStatusUpdate report,
                                                    TaskChange.Builder returning) {
        return new TaskChange.Builder(standIn.taskId(), report.eventId(),
                "surplus-of:" + returned.taskId() + ":" + report.dedupeKey(), returning.at());
    }

    /** The stand-in kept: it names the task stopped, and its version guards the decision. */
    private static TaskChange stays(TaskRecord kept, TaskRecord returned, AgentStatusUpdate report,
                                    TaskChange.Builder returning) {
        return noMove(standInChange(kept, returned, report, returning).surplusStopped(returned.taskId()), kept);
    }

    /** {@code fields} written without a move, on the stand-in as read: that version, in that phase. */
    private static TaskChange noMove(TaskChange.Builder fields, TaskRecord standIn) {
        return fields.move(null, Guard.informed(standIn, Set.of(standIn.lastStatus()))).build();
    }

    /** The stand-in's stop, as a stop request would make it, naming the task that came back and stays. */
    private TaskChange stop(TaskRecord standIn, TaskRecord returned, AgentStatusUpdate report,
                            TaskChange.Builder returning) {
        TaskChange.Builder fields = standInChange(standIn, returned, report, returning)
                .decommission("surplus: " + returned.taskId() + " came back from UNREACHABLE and is kept")
                .surplusKept(returned.taskId());
        Phase target = RequestedPhase.ofStopRequest(standIn);
        if (target == null) {
            // Provisioning, activating, unreachable or on its stop path: the stop is recorded and taken when it can;
            // one its agent is already killing is now wanted STOPPED, so its kill is asked (and retried) from here.
            if (standIn.lastStatus() == Phase.STOPPING) {
                fields.requestKill();
            }
            return noMove(fields, standIn);
        }
        return switch (moves.moveOrReject(fields, standIn, target)) {
            case Decision.Write write -> write.change();
            case Decision.Skip skip -> throw new IllegalStateException("a stop is never skipped: " + skip);
            case Decision.Reject reject -> throw new IllegalStateException("the stop path of live task "
                    + standIn.taskId() + " is refused: " + reject.why());
            case Decision.Refuse refuse -> throw new IllegalStateException("a stop is never refused: " + refuse);
        };
    }
}
