package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.ecs;
import static dev.tasklife.Fixtures.launch;
import static dev.tasklife.Fixtures.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Envelopes;
import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.HistoryEntry;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.ScenarioSuite;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.handler.EmbeddedMetrics;
import dev.tasklife.service.SweepReport;
import dev.tasklife.store.RecordItems;
import io.quarkus.test.junit.QuarkusMock;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Issue 8 on real emulated services: hostile, late, forged and long-lived input (lifecycle.md, "Ordering,
 * duplicates, replays", "Time and trust", "Marathon handling"). Each scenario is one defect that was seen, and fails
 * on the code before its fix.
 */
abstract class HostileScenarios extends ScenarioSuite {

    private static final long TOMBSTONE_SECONDS = 7 * 24 * 3600;


    private List<JsonNode> published(List<JsonNode> events, String detailType) {
        return events.stream().filter(event -> event.get("detail-type").asText().equals(detailType)).toList();
    }

    /** The status-change function as deployed, its clock the stack's (events arrive when the stack's clock says). */
    private JsonNode statusChange(String envelope) {
        return stack.invoke("status-change", envelope);
    }

    private static String agentUpdate(String taskId, String state, String source, String time, double timestamp) {
        ObjectNode envelope = Envelopes.envelope(EventTypes.TASK_STATUS_UPDATE, source, Instant.parse(time));
        envelope.putObject("detail").put("taskId", taskId).put("state", state).put("agentId", "agent-1")
                .put("timestamp", timestamp).put("uuid", UUID.randomUUID().toString());
        return envelope.toString();
    }

    private static String sample(String name) throws Exception {
        return Files.readString(ProjectFiles.resolve("events", name));
    }

    @Nested
    class EveryEventGetsAVerdict {

        @Test
        void aRunningReportForATaskStoppedAfterAStopIsRejectedAndItsKillRequestedNotThrown() throws Exception {
            // An agent's task stopped on request: STOPPED with desiredStatus STOPPED.
            stack.apply(launch("c0ffee", null, false, false, null));
            stack.apply(agent("c0ffee", AgentState.RUNNING, 1, "c0ffee-r"));
            stack.apply(stop("c0ffee"));
            stack.apply(agent("c0ffee", AgentState.KILLED, 2, "c0ffee-k"));
            assertEquals(Phase.STOPPED, task("c0ffee").lastStatus());
            stack.drainNotifications();
            Map<String, AttributeValue> before = stack.rawItem("c0ffee");

            JsonNode answer = statusChange(agentUpdate("c0ffee", "TASK_RUNNING", "dev.tasklife.agent",
                    "2026-11-25T10:00:09Z", T0.getEpochSecond() + 9));

            assertEquals("REJECTED", answer.get("verdict").asText(), answer.toString());
            assertEquals(before, stack.rawItem("c0ffee"), "nothing written");
            List<JsonNode> events = stack.drainNotifications();
            assertEquals(1, published(events, EventTypes.TASK_TRANSITION_REJECTED).size());
            JsonNode kill = published(events, EventTypes.TASK_KILL_REQUESTED).get(0).get("detail");
            assertEquals("c0ffee", kill.get("taskId").asText());
            assertEquals("agent-1", kill.get("agentId").asText());
        }
    }

    @Nested
    class SweeperIsolation {

        /** A task UNREACHABLE since {@code since}, written straight into the table. */
        private Map<String, AttributeValue> unreachableItem(String taskId, Instant since) {
            TaskRecord record = Fixtures.record(taskId, Phase.UNREACHABLE, 3).since(since).build();
            return RecordItems.item(record);
        }

        private void put(Map<String, AttributeValue> item) {
            stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(item));
        }

        /**
         * A task item that fills DynamoDB's 400 KB item limit to the byte: any write that adds to it fails, and
         * fails at its first growing action (moto, unlike DynamoDB, keeps the actions of a failed update made
         * before the one that overflowed).
         */
        private void putFullItem(String taskId, Instant since) {
            int padding = 409_600;
            while (!fits(taskId, since, padding)) {
                padding -= 50; // a step smaller, until the item fits
            }
            while (fits(taskId, since, padding + 1)) {
                padding++; // then byte by byte, until no write can add anything to it
            }
        }

        private boolean fits(String taskId, Instant since, int padding) {
            try {
                put(RecordItems.withRaw(unreachableItem(taskId, since), "padding",
                        AttributeValue.fromS("p".repeat(padding))));
                return true;
            } catch (DynamoDbException tooLarge) {
                return false;
            }
        }

        @Test
        void poisonTasksAheadOfOverdueOnesAreCountedAndSkippedAndTheOthersAreSweptInTheSameRun() throws Exception {
            Instant longAgo = T0.minusSeconds(3600);
            // Poison, oldest first so the sweep meets them before the rest:
            put(RecordItems.withRaw(unreachableItem("unreadable", longAgo.minusSeconds(3)), "lastStatus",
                    AttributeValue.fromS("SLEEPING")));
            putFullItem("outgrown", longAgo.minusSeconds(2));
            // A strategy of Long.MAX_VALUE seconds, written before the door bounded it: it used to overflow.
            put(RecordItems.withRaw(unreachableItem("forever", longAgo.minusSeconds(1)), "expungeAfterSeconds",
                    AttributeValue.fromN(Long.toString(Long.MAX_VALUE))));
            for (int i = 0; i < 3; i++) {
                stack.apply(launch("normal" + i, null, false, false, null));
                stack.apply(agent("normal" + i, AgentState.RUNNING, 1, "r" + i));
                stack.apply(agent("normal" + i, AgentState.UNREACHABLE, 2, "u" + i));
            }
            ByteArrayOutputStream metrics = new ByteArrayOutputStream();
            QuarkusMock.installMockForType(new EmbeddedMetrics("test",
                    new PrintStream(metrics, true, StandardCharsets.UTF_8), Clock.systemUTC()), EmbeddedMetrics.class);
            stack.clock.set(T0.plusSeconds(2 + 900));

            JsonNode report = stack.invoke("sweeper", "{}");

            assertEquals(3, report.get("expunged").asInt(), report.toString());
            assertEquals(2, report.get("failed").asInt(), "the unreadable and the outgrown task");
            assertEquals(1, report.get("notDue").asInt(), "a year's strategy at most: not due yet, no overflow");
            for (int i = 0; i < 3; i++) {
                assertEquals(Phase.STOPPED, task("normal" + i).lastStatus());
            }
            assertEquals(Phase.UNREACHABLE, task("outgrown").lastStatus(), "left for the next run");
            assertTrue(metrics.toString(StandardCharsets.UTF_8).contains("\"SweepFailures\":2.0"),
                    "a metric the template alarms on: " + metrics);
        }

        @Test
        void anEcsTaskWaitingInItsOwnPhaseIsNotTimedOutLikeAStepItNeverAskedFor() {
            stack.apply(ecs("capacity", Phase.PROVISIONING, 1));
            SweepReport report = stack.sweeper(T0.plusSeconds(1 + 3600)).sweep(() -> Long.MAX_VALUE);
            assertEquals(0, report.stepsTimedOut(), report.toString());
            assertEquals(Phase.PROVISIONING, task("capacity").lastStatus(), "ECS moves it on, not we");
        }

        @Test
        void aReplacementIdTakenInAdvanceIsDetectedAndAnotherChosen() throws Exception {
            UUID squatted = UUID.randomUUID();
            UUID fresh = UUID.randomUUID();
            stack.apply(launch("old", false, false));
            stack.apply(agent("old", AgentState.RUNNING, 1, "r1"));
            // Someone launches a task under the id the replacement would take.
            stack.apply(launch("webapp." + squatted, null, false, false, null));
            stack.replacementIds.stage(squatted);
            stack.replacementIds.stage(fresh);

            assertEquals(Verdict.APPLIED, stack.apply(agent("old", AgentState.FAILED, 2, "f1")).verdict());

            TaskRecord old = task("old");
            assertEquals(Phase.STOPPED, old.lastStatus());
            assertEquals("webapp." + fresh, old.replacedBy());
            assertEquals("old", task("webapp." + fresh).replacementOf());
            assertNull(task("webapp." + squatted).replacementOf(), "the squatter's task is left as it is");
        }
    }

    @Nested
    class Trust {

        @ParameterizedTest(name = "{0} from {1} in {2}")
        @CsvSource({
            "Task Status Update, evil.example, 111122223333",
            "Task Status Update, dev.tasklife.agent, 999999999999",
            "Task Status Update, dev.tasklife, 111122223333",
            "Task Status Update, aws.ecs, 111122223333",
            "Task Launch Requested, dev.tasklife.agent, 111122223333",
            "Task Stop Requested, dev.tasklife.steps, 111122223333",
            "ECS Task State Change, dev.tasklife.agent, 111122223333",
            "ECS Task State Change, aws.ecs, 999999999999"})
        void anEventFromAnUntrustedSenderIsRefusedAndChangesNothing(String detailType, String source,
                                                                  String account) throws Exception {
            ObjectNode envelope = Envelopes.envelope(detailType, source, Instant.parse("2026-11-25T10:00:00Z"));
            envelope.put("account", account);
            ObjectNode detail = envelope.putObject("detail");
            detail.put("taskId", "victim").put("state", "TASK_KILLED").put("timestamp", T0.getEpochSecond())
                    .put("uuid", "u").put("taskArn", Fixtures.taskArn("victim")).put("lastStatus", "STOPPED")
                    .put("desiredStatus", "STOPPED").put("version", 9);

            JsonNode answer = statusChange(envelope.toString());

            assertEquals("INVALID", answer.get("verdict").asText());
            assertTrue(answer.get("error").asText().contains("not trusted"), answer.toString());
            assertTrue(stack.tasks.find("victim").isEmpty(), "nothing written");
            assertEquals(List.of(), stack.drainNotifications(), "nothing published");
        }

        @Test
        void aTimestampFarInTheFutureCannotFreezeATask() throws Exception {
            stack.clock.set(T0);
            JsonNode forged = statusChange(agentUpdate("frozen", "TASK_RUNNING", "dev.tasklife.agent",
                    "2026-11-25T10:00:00Z", 1e11));
            assertEquals("INVALID", forged.get("verdict").asText(), forged.toString());

            JsonNode real = statusChange(agentUpdate("frozen", "TASK_RUNNING", "dev.tasklife.agent",
                    "2026-11-25T10:00:00Z", T0.getEpochSecond()));
            assertEquals("APPLIED", real.get("verdict").asText(), "a later real report still applies");
        }

        @Test
        void anEcsVersionBeyondAnyRealTaskIsRefused() throws Exception {
            String running = sample("ecs-task-running.json");
            JsonNode forged = statusChange(running.replace("\"version\": 4,", "\"version\": 9223372036854775807,"));
            assertEquals("INVALID", forged.get("verdict").asText(), forged.toString());
            assertEquals("APPLIED", statusChange(running).get("verdict").asText());
        }
    }

    @Nested
    class ServiceClock {

        @Test
        void anUnreachableReportDatedLongAgoIsTimedFromWhenItArrived() throws Exception {
            stack.clock.set(T0);
            JsonNode answer = statusChange(agentUpdate("late", "TASK_UNREACHABLE", "dev.tasklife.agent",
                    "1970-01-01T00:00:01Z", 1));
            assertEquals("APPLIED", answer.get("verdict").asText(), answer.toString());

            assertEquals(0, stack.sweeper(T0.plusSeconds(60)).sweep(() -> Long.MAX_VALUE).expunged(),
                    "a minute after it arrived, not 56 years");
            assertEquals(1, stack.sweeper(T0.plusSeconds(900)).sweep(() -> Long.MAX_VALUE).expunged(),
                    "15 minutes after it arrived");
        }

        @Test
        void anEventDatedFarAheadOfTheServiceClockIsInvalid() throws Exception {
            stack.clock.set(T0);
            JsonNode answer = statusChange(agentUpdate("future", "TASK_UNREACHABLE", "dev.tasklife.agent",
                    "9999-12-31T23:59:59Z", T0.getEpochSecond()));
            assertEquals("INVALID", answer.get("verdict").asText());
            assertTrue(stack.tasks.find("future").isEmpty());
            JsonNode slightlyAhead = statusChange(agentUpdate("future", "TASK_RUNNING", "dev.tasklife.agent",
                    T0.plusSeconds(240).toString(), T0.getEpochSecond() + 240));
            assertEquals("APPLIED", slightlyAhead.get("verdict").asText(), "within the 5 minutes of skew");
        }

        @Test
        void aFailureDatedLongAgoKeepsItsTombstoneFromWhenItArrived() throws Exception {
            stack.clock.set(T0);
            stack.service.apply(launch("ancient", false, false));
            stack.service.apply(new TaskEvent.AgentStatusUpdate("e-f", Instant.EPOCH, "ancient",
                    AgentState.FAILED, null, "exited", "agent-1", 1_000_000L, "f"));
            assertEquals(T0.getEpochSecond() + TOMBSTONE_SECONDS, task("ancient").tombstoneUntil());
            assertEquals(T0, task("ancient").history().get(1).at(), "history is the service's time");
        }
    }

    @Nested
    class NoResurrection {

        /** A service task expunged by the sweeper after 15 minutes unreachable; returns when that was. */
        private Instant expunged(String taskId) throws Exception {
            stack.apply(launch(taskId, false, false));
            stack.apply(agent(taskId, AgentState.RUNNING, 1, taskId + "-r"));
            stack.apply(agent(taskId, AgentState.UNREACHABLE, 2, taskId + "-u"));
            // Its replacement is started, as a scheduler starts it (else its launch would time out).
            stack.apply(agent(task(taskId).replacedBy(), AgentState.RUNNING, 3, taskId + "-rr"));
            Instant sweptAt = T0.plusSeconds(2 + 900);
            assertEquals(1, stack.sweeper(sweptAt).sweep(() -> Long.MAX_VALUE).expunged());
            stack.drainNotifications();
            return sweptAt;
        }

        @Test
        void anExpungedTaskStaysDeadAfterItsTombstoneIsCompacted() throws Exception {
            Instant sweptAt = expunged("ghost");
            String replacement = task("ghost").replacedBy();
            int fullSize = stack.rawItem("ghost").toString().length();

            SweepReport compaction = stack.sweeper(sweptAt.plusSeconds(TOMBSTONE_SECONDS + 60))
                    .sweep(() -> Long.MAX_VALUE);
            assertEquals(1, compaction.compacted());
            Map<String, AttributeValue> marker = stack.rawItem("ghost");
            assertFalse(marker.containsKey("history") || marker.containsKey("appliedKeys"), marker.toString());
            assertTrue(marker.toString().length() < fullSize, "compacted: " + marker);
            assertEquals(List.of(), stack.drainNotifications(), "compaction says nothing");

            // Days later the agent reports it running again, and the launch is replayed from an archive.
            Instant back = sweptAt.plusSeconds(TOMBSTONE_SECONDS + 3600);
            assertEquals(Verdict.REJECTED, stack.apply(new TaskEvent.AgentStatusUpdate("e-back", back,
                    "ghost", AgentState.RUNNING, null, null, "agent-7", back.getEpochSecond() * 1_000_000L,
                    "back")).verdict());
            assertEquals(Verdict.UNCHANGED, stack.service.apply(launch("ghost", true, false)).verdict());

            TaskRecord ghost = task("ghost");
            assertEquals(Phase.STOPPED, ghost.lastStatus());
            assertTrue(ghost.isExpunged());
            assertEquals(replacement, ghost.replacedBy());
            List<JsonNode> events = stack.drainNotifications();
            assertEquals("agent-7", published(events, EventTypes.TASK_KILL_REQUESTED).get(0)
                    .at("/detail/agentId").asText());
            assertEquals(List.of(), published(events, "Task Provisioning Requested"));
            assertEquals(List.of(), published(events, EventTypes.TASK_STATE_CHANGED));

            JsonNode described = stack.describe("ghost");
            assertTrue(described.at("/tombstone/compacted").asBoolean(), described.toString());
            assertEquals("UNKNOWN", described.at("/task/outcome").asText());
        }

        @Test
        void aTaskThatReconnectsAfterItWasExpungedIsKilledAndItsReplacementKept() throws Exception {
            expunged("returning");
            String replacement = task("returning").replacedBy();

            assertEquals(Verdict.REJECTED,
                    stack.apply(agent("returning", AgentState.RUNNING, 2 + 901, "returning-back"))
                            .verdict());

            JsonNode kill = published(stack.drainNotifications(), EventTypes.TASK_KILL_REQUESTED).get(0);
            assertTrue(kill.at("/detail/expunged").asBoolean());
            assertEquals(replacement, kill.at("/detail/replacedBy").asText());
            assertEquals(Phase.RUNNING, task(replacement).lastStatus(), "the replacement goes on");
        }
    }

    @Nested
    class RealShapedInput {

        /** The sample events are dated 2026-11-25 up to 10:30: the service's clock is past them. */
        @BeforeEach
        void afterTheSamples() {
            stack.clock.set(Instant.parse("2026-11-25T11:00:00Z"));
        }

        @Test
        void mesosUpdatesWithoutUuidAreAppliedAndRecognisedWhenDeliveredAgain() throws Exception {
            String finished = sample("agent-task-finished-no-uuid.json");
            JsonNode first = statusChange(finished);
            assertEquals("APPLIED", first.get("verdict").asText(), first.toString());
            assertEquals(Outcome.FINISHED, task("batch.0b9e4a1c-5b0e-11ef-9f3a-0242ac110002").outcome());
            assertEquals("DUPLICATE", statusChange(finished).get("verdict").asText(), "the same report again");
            assertEquals("STALE", statusChange(sample("agent-task-reconciliation-running.json")).get("verdict")
                    .asText(), "the master's reconciliation answer carries the older state");
        }

        @Test
        void reconciliationAnswersWithoutUuidAllTheTaskLongDoNotGrowItsRecord() throws Exception {
            String taskId = "long-lived";
            stack.clock.set(T0.plusSeconds(6 * 3600)); // after the five hours of answers below
            stack.service.apply(launch(taskId, null, false, false, null));
            stack.service.apply(agent(taskId, AgentState.RUNNING, 1, "r1"));
            int keys = task(taskId).appliedKeys().size();
            int size = stack.rawItem(taskId).toString().length();
            String answer = null;
            for (int i = 0; i < 30; i++) { // Marathon asks every 10 minutes: five hours of answers
                answer = sample("agent-task-reconciliation-running.json")
                        .replace("batch.0b9e4a1c-5b0e-11ef-9f3a-0242ac110002", taskId)
                        .replace("1795601900.0", Long.toString(T0.getEpochSecond() + 600L * (i + 1)));
                assertEquals("UPDATED", statusChange(answer).get("verdict").asText());
            }
            assertEquals(keys, task(taskId).appliedKeys().size(), "no key kept per answer");
            assertTrue(stack.rawItem(taskId).toString().length() <= size + 10, "the record does not grow");
            assertEquals("UNCHANGED", statusChange(answer).get("verdict").asText(), "the last answer again");
        }

        @Test
        void aSpotTerminationNoticeKeepsItsStopCodeUntilTheTaskStops() throws Exception {
            String taskId = "b99d40b351764f719a529dbd6fefe0a";
            String notice = sample("ecs-task-spot-interruption.json");
            assertEquals("APPLIED", statusChange(notice).get("verdict").asText());

            TaskRecord interrupted = task(taskId);
            assertEquals(Phase.RUNNING, interrupted.lastStatus());
            assertEquals(DesiredStatus.STOPPED, interrupted.desiredStatus());
            assertNull(interrupted.outcome(), "no outcome for a task still RUNNING");
            assertEquals("SpotInterruption", interrupted.stopCode());

            // The STOPPED report that follows, here without a stop code of its own.
            String stopped = notice.replace("\"lastStatus\": \"RUNNING\"", "\"lastStatus\": \"STOPPED\"")
                    .replace("\"version\": 6", "\"version\": 7").replace("\"stopCode\": \"SpotInterruption\",", "")
                    .replace("9bcdac79-b31f-4d3d-9410-fbd727c29fab", "9bcdac79-b31f-4d3d-9410-fbd727c29fac");
            assertEquals("APPLIED", statusChange(stopped).get("verdict").asText());
            TaskRecord done = task(taskId);
            assertEquals(Phase.STOPPED, done.lastStatus());
            assertEquals(Outcome.GONE, done.outcome(), "the instance was taken away");
            assertEquals("Your Spot Task was interrupted.", done.outcomeReason());
        }

        @Test
        void aLaunchForAPlainEcsTaskIsRejectedAndGivesItNothing() throws Exception {
            String running = sample("ecs-task-running.json");
            statusChange(running);
            Map<String, AttributeValue> before = stack.rawItem("c13b4cb40f1f4fe4a2971f76ae5a47ad");
            ObjectNode launch = Envelopes.envelope(EventTypes.TASK_LAUNCH_REQUESTED, "dev.tasklife.control",
                    Instant.parse("2026-11-25T10:01:00Z"));
            launch.putObject("detail").put("taskId", "c13b4cb40f1f4fe4a2971f76ae5a47ad").put("service", "hijack")
                    .put("networkInterface", true);

            JsonNode answer = statusChange(launch.toString());

            assertEquals("REJECTED", answer.get("verdict").asText(), answer.toString());
            assertEquals(before, stack.rawItem("c13b4cb40f1f4fe4a2971f76ae5a47ad"));
            assertNotEquals("hijack", task("c13b4cb40f1f4fe4a2971f76ae5a47ad").service());
        }

        @Test
        void theHistoryOfAMoveRecordsTheServiceTimeNotTheReportedOne() throws Exception {
            stack.clock.set(T0.plusSeconds(3600));
            stack.service.apply(ecs("late1", Phase.RUNNING, 1));
            HistoryEntry entry = task("late1").history().get(0);
            assertEquals(T0.plusSeconds(3600), entry.at());
            assertNotNull(entry.cause());
        }
    }
}
