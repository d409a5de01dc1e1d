package dev.tasklife.domain;

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
 * <li>No stand-in is live (they stopped, or are asked to stop): the task is the service's instance again. It returns
 * to RUNNING and its replacement link is released, so a later outage gets it a new replacement.</li>
 * <li>YOUNGEST_FIRST (Marathon's default): the task returns to RUNNING and keeps its place (the link is released);
 * every live stand-in gets desiredStatus STOPPED and starts its stop path in the same transaction, guarded by the
 * version read, exactly as a stop request would move it.</li>
 * <li>OLDEST_FIRST: the task gets desiredStatus STOPPED and starts its stop path; the youngest stand-in is checked,
 * in the same transaction, to be still as read, so that the two can never both go.</li>
 * </ul>
 * Each of the two records names the other as {@code surplusPeer}: the one that goes is killed from its own stream
 * record ({@code Task Kill Requested}, naming the one kept).
 */
final class Comebacks {

    /**
     * How many replacements of a chain are read. A replacement is made only when its predecessor failed or became
     * unreachable, each with a random id, so a longer chain means a service that failed this often within one
     * outage of the task (its {@code expungeAfterSeconds}); it is refused rather than decided half-read.
     */
    static final int MAX_CHAIN = 32;

    private final AllowedMoves moves;

    Comebacks(AllowedMoves moves) {
        this.moves = moves;
    }

    Decision decide(TaskChange.Builder fields, TaskRecord returned, AgentStatusUpdate report, TaskLookup tasks) {
        List<TaskRecord> standIns = standIns(returned, tasks);
        if (standIns.isEmpty()) {
            fields.releaseReplacement(returned.replacedBy());
            return moves.moveOrReject(fields, returned, backUp(returned, returned.desiredStatus()));
        }
        TaskRecord youngest = standIns.get(standIns.size() - 1);
        if (returned.killSelection() == KillSelection.OLDEST_FIRST) {
            fields.desired(DesiredStatus.STOPPED).surplusPeer(youngest.taskId()).companion(youngest, null)
                    .stopReason("surplus: back from UNREACHABLE while " + youngest.taskId() + " stood in for it;"
                            + " OLDEST_FIRST stops this one");
            return moves.moveOrReject(fields, returned, backUp(returned, DesiredStatus.STOPPED));
        }
        fields.releaseReplacement(returned.replacedBy()).surplusPeer(youngest.taskId());
        for (TaskRecord standIn : standIns) {
            fields.companion(standIn, stop(standIn, returned, report, fields));
        }
        return moves.moveOrReject(fields, returned, backUp(returned, returned.desiredStatus()));
    }

    /** Where a RUNNING report puts the returning task, given what is now desired of it. */
    private static Phase backUp(TaskRecord returned, DesiredStatus desired) {
        return RequestedPhase.ofAgentState(AgentState.RUNNING, returned.steps(), returned.lastStatus(), desired);
    }

    /**
     * The live tasks along the chain of replacements from {@code returned}, oldest first. Every link is followed:
     * a stopped replacement's replacement stands in for it, and so does an unreachable one's.
     */
    private static List<TaskRecord> standIns(TaskRecord returned, TaskLookup tasks) {
        List<TaskRecord> live = new ArrayList<>();
        String next = returned.replacedBy();
        for (int read = 0; next != null; read++) {
            if (read == MAX_CHAIN) {
                throw new IllegalStateException("task " + returned.taskId() + " came back after more than "
                        + MAX_CHAIN + " replacements: its stand-ins are not decided on half-read");
            }
            String id = next;
            TaskRecord replacement = tasks.find(id).orElseThrow(() -> new IllegalStateException("replacement " + id
                    + " of task " + returned.taskId() + " is not in the table"));
            if (replacement.lastStatus() != STOPPED && replacement.desiredStatus() != DesiredStatus.STOPPED) {
                live.add(replacement);
            }
            next = replacement.replacedBy();
        }
        return live;
    }

    /** The stand-in's stop, as a stop request would make it, naming the task that came back and stays. */
    private TaskChange stop(TaskRecord standIn, TaskRecord returned, AgentStatusUpdate report,
                            TaskChange.Builder returning) {
        TaskChange.Builder fields = new TaskChange.Builder(standIn.taskId(), report.eventId(),
                "surplus-of:" + returned.taskId() + ":" + report.dedupeKey(), returning.at())
                .desired(DesiredStatus.STOPPED).surplusPeer(returned.taskId())
                .stopReason("surplus: " + returned.taskId() + " came back from UNREACHABLE; YOUNGEST_FIRST stops this"
                        + " one");
        Phase target = RequestedPhase.ofStopRequest(standIn);
        if (target == null) {
            // Provisioning, activating or unreachable: the stop is recorded and taken when the task can go.
            return fields.move(null, Guard.informed(standIn, Set.of(standIn.lastStatus()))).build();
        }
        return switch (moves.moveOrReject(fields, standIn, target)) {
            case Decision.Write write -> write.change();
            case Decision.Skip skip -> throw new IllegalStateException("a stop is never skipped: " + skip);
            case Decision.Reject reject -> throw new IllegalStateException("the stop path of live task "
                    + standIn.taskId() + " is refused: " + reject.why());
        };
    }
}
