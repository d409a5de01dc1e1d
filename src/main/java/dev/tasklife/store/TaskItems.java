package dev.tasklife.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.EcsArns;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.KillSelection;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.ReconcileEntry;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.SweepEntry;
import dev.tasklife.domain.TaskRecord;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The attribute layout of a task item, and its conversion to a {@link TaskRecord}; no reflection involved. The parts
 * that repeat (history entries, dedupe keys) have short names, and times are epoch milliseconds: an item pays for
 * every name and digit on every write. Items written in the former layout (long names, ISO times) are read too;
 * the first write decided on such a record rewrites it in this one.
 */
final class TaskItems {

    static final String TASK_ID = "taskId";
    static final String LAST_STATUS = "lastStatus";
    static final String DESIRED_STATUS = "desiredStatus";
    static final String AGENT_STATE = "agentState";
    static final String AGENT_TIMESTAMP = "agentTimestamp";
    /** The dedupe key of the latest agent report whose key was kept (see {@link TaskRecord#agentKey()}). */
    static final String AGENT_KEY = "agentKey";
    static final String OUTCOME = "outcome";
    static final String OUTCOME_REASON = "outcomeReason";
    /** Set instead of {@link #OUTCOME_REASON} when the outcome's reason is the stop reason: it is stored once. */
    static final String OUTCOME_REASON_IS_STOP_REASON = "rs";
    static final String VERSION = "version";
    static final String ECS_VERSION = "ecsVersion";
    /** The dedupe keys kept, a list, oldest first. */
    static final String APPLIED_KEYS = "k";
    static final String FORMER_APPLIED_KEYS = "appliedKeys";
    static final String STEPS = "steps";
    /**
     * The cluster, where the task's ARN does not name it ({@link #cluster}): an ECS task's cluster ARN is in its
     * task ARN, and an item pays for every byte on every write.
     */
    static final String CLUSTER = "cluster";
    static final String TASK_ARN = "taskArn";
    static final String SERVICE = "service";
    static final String INACTIVE_AFTER = "inactiveAfterSeconds";
    static final String EXPUNGE_AFTER = "expungeAfterSeconds";
    static final String STOP_REASON = "stopReason";
    static final String STOP_CODE = "stopCode";
    static final String REPLACE_ON_FAILURE = "replaceOnFailure";
    static final String DECOMMISSIONED = "decommissioned";
    static final String KILL_SELECTION = "killSelection";
    static final String REPLACEMENT_OF = "replacementOf";
    static final String REPLACED_BY = "replacedBy";
    static final String RELEASED_REPLACEMENT = "releasedReplacement";
    static final String SURPLUS_KEPT = "surplusKept";
    static final String SURPLUS_STOPPED = "surplusStopped";
    static final String LAUNCHED_AT = "launchedAt";
    /** How many kills were requested for the task, and when the last one was. */
    static final String KILLS_REQUESTED = "killsRequested";
    static final String KILL_REQUESTED_AT = "killRequestedAt";
    /** ECS's own times for the task. */
    static final String STARTED_AT = "startedAt";
    static final String STOPPED_AT = "stoppedAt";
    /** Set once a task is expunged, and never removed: the record stays as a marker that keeps the task dead. */
    static final String EXPUNGED_AT = "expungedAt";
    /** Until when an expunged task keeps its full record for describe; removed when the sweeper compacts it. */
    static final String TOMBSTONE_UNTIL = "tombstoneUntil";
    /** When the sweeper compacted a STOPPED task to its permanent marker. */
    static final String COMPACTED_AT = "compactedAt";
    /**
     * The sparse sweep index: both attributes exist only while a task is UNREACHABLE, in a step phase, or an
     * expunged task waiting to be compacted, so the sweeper reads those tasks and never the rest of the table.
     */
    static final String SWEEP_INDEX = "sweepDue";
    static final String SWEEP_KIND = "sweepKind";
    static final String SWEEP_SINCE = "sweepSince";
    /**
     * What a STOPPED task that no retention holds lacks: a tombstone (expunged), a compaction, a wait. One that stopped
     * before the retention timer existed; the backfill's scan filter and its reading of the scan both use this.
     */
    static final List<String> UNRETAINED_LACKS = List.of(EXPUNGED_AT, COMPACTED_AT, SWEEP_KIND);
    /**
     * The list index: every task with a cluster is in it under {@code cluster#shard}, the shard fixed by its id
     * ({@link Shards}), so that no cluster, however large, is one hot partition; sorted by task id.
     */
    static final String LIST_INDEX = "byCluster";
    /**
     * The reconcile index: a live task is in it under {@code ECS#shard} or {@code AGENT#shard} from its source's first
     * report until it stops, sorted by when its source last moved it ({@code heardAt}), so that the reconciler reads
     * only the tasks not heard from for a while.
     */
    static final String RECONCILE_INDEX = "reconcileDue";
    static final String RECONCILE_KEY = "reconcileKey";
    static final String HEARD_AT = "heardAt";
    static final String LIST_KEY = "clusterShard";
    /** The kept history, oldest first. */
    static final String HISTORY = "h";
    static final String FORMER_HISTORY = "history";
    /**
     * How many moves were made before the kept history, and the phase the last of them entered (as a history entry
     * names it: a blind write that rolls the history copies it from the entry it drops).
     */
    static final String EARLIER_MOVES = "hn";
    static final String EARLIER_PHASE = "hp";
    /** A history entry's phase ({@link #EARLIER_PHASE} is copied from it). */
    static final String ENTRY_TO = "p";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";

    private static final int UUID_TEXT_LENGTH = 36;
    /** The dedupe keys' prefixes before a UUID ({@code TaskEvent#dedupeKey}), each kept as its index: one byte. */
    private static final List<String> KEY_PREFIXES = List.of("", "agent:", "event:", "agent-report:");
    private static final String ENTRY_CAUSE = "c";
    private static final String ENTRY_KEY = "k";
    private static final String ENTRY_AT = "t";
    private static final String FORMER_ENTRY_TO = "to";
    private static final String FORMER_ENTRY_CAUSE = "cause";
    private static final String FORMER_ENTRY_KEY = "key";
    private static final String FORMER_ENTRY_AT = "at";
    /** A history entry's phase, in two letters: a full name costs up to 14 bytes in every entry. */
    private static final Map<Phase, String> PHASE_CODES = Map.of(
            Phase.PROVISIONING, "PV", Phase.PENDING, "PE", Phase.ACTIVATING, "AC", Phase.RUNNING, "RU",
            Phase.DEACTIVATING, "DA", Phase.STOPPING, "SG", Phase.DEPROVISIONING, "DP", Phase.STOPPED, "SD",
            Phase.UNREACHABLE, "UR");
    private static final Map<String, Phase> PHASES_BY_CODE = PHASE_CODES.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    private TaskItems() {
    }

    static String phaseCode(Phase phase) {
        return PHASE_CODES.get(phase);
    }

    static AttributeValue historyEntry(HistoryEntry entry) {
        return AttributeValue.fromM(Map.of(
                ENTRY_TO, AttributeValue.fromS(phaseCode(entry.to())),
                ENTRY_CAUSE, compactId(entry.cause()),
                ENTRY_KEY, compactId(entry.dedupeKey()),
                ENTRY_AT, time(entry.at())));
    }

    /**
     * An id as the item keeps it: a move's cause (the id of the event that made it), a dedupe key, in the history,
     * the kept keys {@code k} and {@code agentKey}. Events from EventBridge have a UUID id, and agent updates a UUID
     * of their own ({@code agent:<uuid>}): a UUID in its canonical text (36 bytes) is kept as its 16 bytes, after one
     * byte for a known key prefix ({@link #KEY_PREFIXES}, below any printable one) or after any other printable ASCII
     * prefix ending in ':' as it is (as the version before kept every prefix); any other id as text. Conditions
     * compare the kept keys with the event's in this form (and in text, as the version before kept them in
     * {@code k}).
     */
    static AttributeValue compactId(String id) {
        int uuidAt = Math.max(0, id.length() - UUID_TEXT_LENGTH);
        UUID uuid = canonicalUuid(id.substring(uuidAt));
        String prefix = id.substring(0, uuidAt);
        if (uuid == null || !(prefix.isEmpty() || prefix.endsWith(":"))
                || !prefix.chars().allMatch(c -> c >= ' ' && c < 127)) {
            return AttributeValue.fromS(id);
        }
        int code = KEY_PREFIXES.indexOf(prefix);
        byte[] written = code > 0 ? new byte[] {(byte) code} : prefix.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer bytes = ByteBuffer.allocate(written.length + 16).put(written)
                .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return AttributeValue.fromB(SdkBytes.fromByteArray(bytes.array()));
    }

    /** The id an item keeps in either of {@link #compactId}'s forms, or as text. */
    static String id(AttributeValue kept) {
        if (kept.b() == null) {
            return kept.s();
        }
        ByteBuffer bytes = kept.b().asByteBuffer();
        byte[] prefix = new byte[bytes.remaining() - 16];
        bytes.get(prefix);
        String text = prefix.length == 1 && prefix[0] > 0 && prefix[0] < KEY_PREFIXES.size()
                ? KEY_PREFIXES.get(prefix[0]) : new String(prefix, StandardCharsets.US_ASCII);
        return text + new UUID(bytes.getLong(), bytes.getLong());
    }

    /** The UUID {@code text} is, written exactly as UUID writes it (lower case), or null: only those round-trip. */
    private static UUID canonicalUuid(String text) {
        if (text.length() != UUID_TEXT_LENGTH) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equals(text) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A time as the item keeps it: epoch milliseconds. */
    static AttributeValue time(Instant at) {
        return AttributeValue.fromN(Long.toString(at.toEpochMilli()));
    }

    /** The record an item holds. @throws UnreadableItemException for an item this code cannot read */
    static TaskRecord toRecord(Map<String, AttributeValue> item) {
        try {
            return readRecord(item);
        } catch (RuntimeException e) {
            AttributeValue id = item.get(TASK_ID);
            throw new UnreadableItemException(id == null ? "?" : id.s(), e);
        }
    }

    private static TaskRecord readRecord(Map<String, AttributeValue> item) {
        List<HistoryEntry> formerHistory = history(item, FORMER_HISTORY, FORMER_ENTRY_TO, Phase::valueOf,
                FORMER_ENTRY_CAUSE, FORMER_ENTRY_KEY, FORMER_ENTRY_AT);
        List<HistoryEntry> history = new ArrayList<>(formerHistory);
        history.addAll(history(item, HISTORY, ENTRY_TO, TaskItems::phaseOfCode, ENTRY_CAUSE, ENTRY_KEY, ENTRY_AT));
        if (!formerHistory.isEmpty() && history.size() > formerHistory.size()) {
            // Both layouts in one item: a writer of the former layout appended to it after this one wrote (the two
            // run side by side during a deployment). The moves are ordered by when they were made.
            history.sort(Comparator.comparing(HistoryEntry::at));
        }
        return new TaskRecord(
                string(item, TASK_ID),
                enumOf(item, LAST_STATUS, Phase::valueOf),
                enumOf(item, DESIRED_STATUS, DesiredStatus::valueOf),
                enumOf(item, AGENT_STATE, AgentState::valueOf),
                enumOf(item, OUTCOME, Outcome::valueOf),
                outcomeReason(item),
                number(item, VERSION) == null ? 0 : number(item, VERSION),
                number(item, ECS_VERSION),
                number(item, AGENT_TIMESTAMP),
                item.containsKey(AGENT_KEY) ? id(item.get(AGENT_KEY)) : null,
                new LinkedHashSet<>(appliedKeys(item, formerHistory)),
                steps(item),
                cluster(item),
                string(item, TASK_ARN),
                string(item, SERVICE),
                number(item, INACTIVE_AFTER),
                number(item, EXPUNGE_AFTER),
                string(item, STOP_REASON),
                string(item, STOP_CODE),
                flag(item, REPLACE_ON_FAILURE),
                decommissioned(item),
                enumOf(item, KILL_SELECTION, KillSelection::valueOf),
                string(item, REPLACEMENT_OF),
                string(item, REPLACED_BY),
                string(item, RELEASED_REPLACEMENT),
                string(item, SURPLUS_KEPT),
                string(item, SURPLUS_STOPPED),
                instant(item, LAUNCHED_AT),
                number(item, KILLS_REQUESTED) == null ? 0 : number(item, KILLS_REQUESTED),
                instant(item, KILL_REQUESTED_AT),
                instant(item, STARTED_AT),
                instant(item, STOPPED_AT),
                instant(item, EXPUNGED_AT),
                number(item, TOMBSTONE_UNTIL),
                number(item, EARLIER_MOVES) == null ? 0 : number(item, EARLIER_MOVES),
                enumOf(item, EARLIER_PHASE, TaskItems::phaseOfNameOrCode),
                history,
                instant(item, CREATED_AT),
                instant(item, UPDATED_AT),
                instant(item, COMPACTED_AT));
    }

    /** An entry of the sweep index: the keys and what the index projects (template.yaml's {@code sweepDue}). */
    static SweepEntry toSweepEntry(Map<String, AttributeValue> item) {
        return new SweepEntry(
                string(item, TASK_ID),
                instant(item, SWEEP_SINCE),
                enumOf(item, LAST_STATUS, Phase::valueOf),
                number(item, VERSION) == null ? 0 : number(item, VERSION),
                flag(item, REPLACE_ON_FAILURE),
                string(item, REPLACED_BY),
                number(item, INACTIVE_AFTER),
                number(item, EXPUNGE_AFTER));
    }

    /** An entry of the reconcile index: the keys and what the index projects (template.yaml's {@code reconcileDue}). */
    static ReconcileEntry toReconcileEntry(Map<String, AttributeValue> item) {
        return new ReconcileEntry(
                string(item, TASK_ID),
                instant(item, HEARD_AT),
                cluster(item),
                string(item, TASK_ARN),
                enumOf(item, LAST_STATUS, Phase::valueOf),
                number(item, VERSION) == null ? 0 : number(item, VERSION),
                number(item, ECS_VERSION));
    }

    /** An item as the backfill scan projects it ({@link BackfillScan#backfillScan}). */
    static BackfillCandidate toBackfillCandidate(Map<String, AttributeValue> item) {
        Phase phase = enumOf(item, LAST_STATUS, Phase::valueOf);
        ReconcileKind source = item.containsKey(ECS_VERSION) ? ReconcileKind.ECS
                : item.containsKey(AGENT_TIMESTAMP) ? ReconcileKind.AGENT : null;
        return new BackfillCandidate(
                string(item, TASK_ID),
                phase != null && phase != Phase.STOPPED,
                source,
                item.containsKey(RECONCILE_KEY),
                cluster(item),
                item.containsKey(LIST_KEY),
                // An item never stamped is taken as silent for ever: due for reconciliation at once.
                Objects.requireNonNullElse(instant(item, UPDATED_AT), Instant.EPOCH),
                phase == Phase.STOPPED && UNRETAINED_LACKS.stream().noneMatch(item::containsKey),
                null);
    }

    /** The outcome's reason stored, or the stop reason where the item says the two are one. */
    private static String outcomeReason(Map<String, AttributeValue> item) {
        String stored = string(item, OUTCOME_REASON);
        return stored == null && flag(item, OUTCOME_REASON_IS_STOP_REASON) ? string(item, STOP_REASON) : stored;
    }

    /** The cluster stored, or the one the task ARN names. */
    private static String cluster(Map<String, AttributeValue> item) {
        String stored = string(item, CLUSTER);
        return stored != null ? stored : EcsArns.clusterArnOf(string(item, TASK_ARN));
    }

    /** The cluster to store for a task: none where its ARN names it already. */
    static String clusterToStore(String cluster, String taskArn) {
        return cluster != null && cluster.equals(EcsArns.clusterArnOf(taskArn)) ? null : cluster;
    }

    private static Set<Step> steps(Map<String, AttributeValue> item) {
        Set<Step> steps = EnumSet.noneOf(Step.class);
        stringSet(item, STEPS).forEach(name -> steps.add(Step.valueOf(name)));
        return steps;
    }

    private static List<HistoryEntry> history(Map<String, AttributeValue> item, String attribute, String to,
                                              Function<String, Phase> phase, String cause, String key, String at) {
        AttributeValue history = item.get(attribute);
        if (history == null || !history.hasL()) {
            return List.of();
        }
        return history.l().stream().map(AttributeValue::m).map(entry -> new HistoryEntry(
                phase.apply(entry.get(to).s()),
                id(entry.get(cause)),
                id(entry.get(key)),
                instant(entry.get(at)))).toList();
    }

    /** The phase as a history entry names it, or by its name as this layout wrote {@link #EARLIER_PHASE} before. */
    private static Phase phaseOfNameOrCode(String text) {
        return PHASES_BY_CODE.containsKey(text) ? PHASES_BY_CODE.get(text) : Phase.valueOf(text);
    }

    private static Phase phaseOfCode(String code) {
        Phase phase = PHASES_BY_CODE.get(code);
        if (phase == null) {
            throw new IllegalArgumentException("no phase has the code " + code);
        }
        return phase;
    }

    /**
     * The kept keys, oldest first. The former layout's set has no order; of its keys, those of the moves in its
     * history are ordered by them and taken as the newest.
     */
    private static List<String> appliedKeys(Map<String, AttributeValue> item, List<HistoryEntry> formerHistory) {
        List<String> formerKeys = stringSet(item, FORMER_APPLIED_KEYS);
        List<String> ofMoves = formerHistory.stream().map(HistoryEntry::dedupeKey).filter(formerKeys::contains)
                .toList();
        List<String> keys = new ArrayList<>(formerKeys.stream().filter(key -> !ofMoves.contains(key)).toList());
        keys.addAll(ofMoves);
        AttributeValue kept = item.get(APPLIED_KEYS);
        if (kept != null && kept.hasL()) {
            kept.l().forEach(key -> keys.add(id(key)));
        }
        return keys;
    }

    private static List<String> stringSet(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || !value.hasSs() ? List.of() : value.ss();
    }

    /**
     * Every write since the flag exists writes it; an item without it was last written before, when a task wanted
     * STOPPED was never replaced, so it is read as its desiredStatus says (a failed step also wanted a task STOPPED
     * then, and that task was not replaced either).
     */
    private static boolean decommissioned(Map<String, AttributeValue> item) {
        if (item.containsKey(DECOMMISSIONED)) {
            return flag(item, DECOMMISSIONED);
        }
        return DesiredStatus.STOPPED.name().equals(string(item, DESIRED_STATUS));
    }

    private static boolean flag(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value != null && Boolean.TRUE.equals(value.bool());
    }

    static String string(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null ? null : value.s();
    }

    private static Long number(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || value.n() == null ? null : Long.valueOf(value.n());
    }

    private static Instant instant(Map<String, AttributeValue> item, String attribute) {
        return instant(item.get(attribute));
    }

    /** Epoch milliseconds, or an ISO-8601 text as the former layout wrote times. */
    private static Instant instant(AttributeValue value) {
        if (value == null) {
            return null;
        }
        return value.n() != null ? Instant.ofEpochMilli(Long.parseLong(value.n())) : Instant.parse(value.s());
    }

    private static <E extends Enum<E>> E enumOf(Map<String, AttributeValue> item, String attribute,
                                                Function<String, E> parse) {
        String text = string(item, attribute);
        return text == null ? null : parse.apply(text);
    }
}
