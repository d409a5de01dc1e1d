package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.launch;
import static dev.tasklife.Fixtures.stepDone;
import static dev.tasklife.Fixtures.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tasklife.Envelopes;
import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskIds;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.ScenarioSuite;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.input.EventParser;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.ReconcileReport;
import dev.tasklife.service.SweepReport;
import dev.tasklife.store.RecordItems;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 18 on real emulated services: the paths nobody planned, each ending (lifecycle.md, "Undo steps run however a
 * task ends", "Every wait has a timer", "Ownership", "Ids the service makes are ids it accepts", "One unreadable item
 * fails only itself"). Each scenario gets its own table: the sweep index is table-wide.
 */
abstract class UnplannedPathsScenarios extends ScenarioSuite {

    private static final long KILL_RETRY = Fixtures.POLICY.killRetrySeconds();
    private static final long LAUNCH_TIMEOUT = Fixtures.POLICY.launchTimeoutSeconds();


    private SweepReport sweep(Instant at) {
        return stack.sweeper(at).sweep(() -> Long.MAX_VALUE);
    }

    /** What was published, oldest first, of one detail-type. */
    private static List<JsonNode> published(List<JsonNode> events, String detailType) {
        return events.stream().filter(event -> event.get("detail-type").asText().equals(detailType)).toList();
    }

    private static List<String> detailTypes(List<JsonNode> events, String taskId) {
        return events.stream().filter(event -> event.at("/detail/taskId").asText().equals(taskId))
                .map(event -> event.get("detail-type").asText()).toList();
    }

    /** An envelope as a sender puts it on the bus, dated at the service's clock. */
    private ObjectNode envelope(String detailType, String source) {
        return Envelopes.envelope(detailType, source, stack.clock.instant());
    }

    private JsonNode statusChange(ObjectNode envelope) {
        return stack.invoke("status-change", envelope.toString());
    }

    private ObjectNode agentReport(String taskId, String state, long second) {
        ObjectNode envelope = envelope("Task Status Update", "dev.tasklife.agent");
        envelope.putObject("detail").put("taskId", taskId).put("state", state).put("agentId", "agent-1")
                .put("timestamp", T0.getEpochSecond() + second).put("uuid", taskId + "-" + state + "-" + second);
        return envelope;
    }

    @Nested
    class UndoSteps {

        /** A service task with an interface and a target group: provisioned, running, activated. */
        private void activated(String taskId) {
            apply(new TaskEvent.LaunchRequest("launch-" + taskId, T0, taskId, "east", "webapp", true, false,
                    List.of("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1"), 0L, 900L, null));
            apply(stepDone(taskId, Step.PROVISIONING, true));
            apply(agent(taskId, AgentState.RUNNING, 70, taskId + "-r"));
            apply(stepDone(taskId, Step.ACTIVATION, true));
            assertEquals(Phase.RUNNING, task(taskId).lastStatus());
        }

        @Test
        void anActivatedTaskReportedFailedIsDeactivatedAndDeprovisionedAndReplacedAtOnce() throws Exception {
            activated("t1");
            stack.drainNotifications();

            assertEquals(Verdict.APPLIED, apply(agent("t1", AgentState.FAILED, 90, "t1-f")));

            assertEquals(Phase.DEACTIVATING, task("t1").lastStatus(), "its registrations are undone first");
            String replacement = task("t1").replacedBy();
            assertNotNull(replacement, "the service does not wait for the undo steps");
            List<JsonNode> failed = stack.drainNotifications();
            assertEquals(List.of("Task State Changed", "Task Deactivation Requested", "Task Expunged"),
                    detailTypes(failed, "t1"));
            assertEquals(1, published(failed, "Task Replacement Requested").size());

            apply(stepDone("t1", Step.DEACTIVATION, true));
            assertEquals(Phase.DEPROVISIONING, task("t1").lastStatus(), "its agent is gone: nothing to kill");
            apply(stepDone("t1", Step.DEPROVISIONING, true));
            TaskRecord stopped = task("t1");
            assertEquals(List.of(Phase.PROVISIONING, Phase.PENDING, Phase.ACTIVATING, Phase.RUNNING,
                    Phase.DEACTIVATING, Phase.DEPROVISIONING, Phase.STOPPED), stopped.history().stream()
                    .map(entry -> entry.to()).toList());
            assertEquals(Outcome.FAILED, stopped.outcome(), "kept through the undo steps");
            assertEquals(AgentState.FAILED, stopped.agentState());
            assertEquals(0, stopped.killsRequested());
            assertEquals(List.of("Task State Changed", "Task Deprovisioning Requested", "Task State Changed"),
                    detailTypes(stack.drainNotifications(), "t1"));
        }

        @Test
        void anActivatedTaskUnreachableTooLongRunsItsUndoStepsAfterItIsExpunged() throws Exception {
            activated("t1");
            apply(agent("t1", AgentState.UNREACHABLE, 100, "t1-u"));
            stack.drainNotifications();

            SweepReport report = sweep(T0.plusSeconds(100 + 900));

            assertEquals(1, report.expunged());
            TaskRecord expired = task("t1");
            assertEquals(Phase.DEACTIVATING, expired.lastStatus());
            assertEquals(AgentState.UNKNOWN, expired.agentState());
            assertTrue(expired.isExpunged());
            assertEquals(List.of("Task State Changed", "Task Deactivation Requested", "Task Expunged"),
                    detailTypes(stack.drainNotifications(), "t1"));
            apply(stepDone("t1", Step.DEACTIVATION, true));
            apply(stepDone("t1", Step.DEPROVISIONING, true));
            assertEquals(Phase.STOPPED, task("t1").lastStatus());
            assertEquals(Outcome.UNKNOWN, task("t1").outcome());
        }
    }

    @Nested
    class Kills {

        /** An agent task asked to stop at T0 + 30: STOPPING, its first kill requested. */
        private void askedToStop(String taskId) {
            apply(launch(taskId, null, false, false, null));
            apply(agent(taskId, AgentState.RUNNING, 1, taskId + "-r"));
            apply(stop(taskId));
        }

        @Test
        void aKillNobodyConfirmsIsRequestedAgainEveryRetryIntervalUntilTheTaskEnds() throws Exception {
            askedToStop("t1");
            Instant stoppedAt = T0.plusSeconds(30);
            assertEquals(Phase.STOPPING, task("t1").lastStatus());

            assertEquals(0, sweep(stoppedAt.plusSeconds(KILL_RETRY - 1)).killsRetried(), "not due yet");
            SweepReport second = sweep(stoppedAt.plusSeconds(KILL_RETRY));
            SweepReport third = sweep(stoppedAt.plusSeconds(2 * KILL_RETRY));
            assertEquals(1, second.killsRetried());
            assertEquals(3, third.killAttemptsMax(), "the alarm's metric: the attempts one task needed");

            List<JsonNode> kills = published(stack.drainNotifications(), "Task Kill Requested");
            assertEquals(List.of(1, 2, 3), kills.stream().map(kill -> kill.at("/detail/attempt").asInt()).toList());
            assertEquals(3, kills.stream().map(kill -> kill.at("/detail/eventId").asText()).distinct().count(),
                    "each attempt a new event");
            assertEquals(3, stack.describe("t1").at("/task/killsRequested").asInt());

            apply(agent("t1", AgentState.KILLED, 200, "t1-k"));
            assertEquals(Phase.STOPPED, task("t1").lastStatus());
            assertEquals(0, sweep(stoppedAt.plusSeconds(10 * KILL_RETRY)).killsRetried(), "the wait has ended");
        }

        @Test
        void aTaskReportingItselfLiveWhileWantedStoppedIsKilledAtOnceAtMostOncePerInterval() throws Exception {
            askedToStop("t1");
            stack.drainNotifications();

            stack.clock.set(T0.plusSeconds(40));
            assertEquals(Verdict.UPDATED, stack.service.apply(agent("t1", AgentState.RUNNING, 40, "t1-r2"))
                    .verdict());
            assertEquals(1, task("t1").killsRequested(), "asked 10 s ago");

            stack.clock.set(T0.plusSeconds(30 + KILL_RETRY));
            assertEquals(Verdict.UPDATED, stack.service.apply(agent("t1", AgentState.RUNNING, 95, "t1-r3"))
                    .verdict());
            assertEquals(2, task("t1").killsRequested());
            JsonNode kill = published(stack.drainNotifications(), "Task Kill Requested").get(0);
            assertEquals(2, kill.at("/detail/attempt").asInt());
            assertTrue(kill.at("/detail/why").asText().contains("RUNNING"), kill.toString());
        }

        @Test
        void aTaskAskedToStopBeforeItsFirstReportIsKilledWhenItReportsItselfLive() throws Exception {
            assertEquals(Verdict.UPDATED, apply(stop("early")));
            assertEquals(Verdict.APPLIED, apply(agent("early", AgentState.STAGING, 31, "early-s")));

            assertEquals(Phase.STOPPING, task("early").lastStatus(), "started on its stop path at once");
            assertEquals(1, published(stack.drainNotifications(), "Task Kill Requested").size());
        }
    }

    @Nested
    class LaunchTimeout {

        @Test
        void aReplacementNobodyStartsIsOverdueKilledAndReplacedInTurn() throws Exception {
            apply(launch("t1", "webapp", false, false, 0L));
            apply(agent("t1", AgentState.RUNNING, 1, "t1-r"));
            apply(agent("t1", AgentState.UNREACHABLE, 2, "t1-u"));
            String replacement = task("t1").replacedBy();
            assertEquals(Phase.PENDING, task(replacement).lastStatus());
            stack.drainNotifications();

            assertEquals(0, sweep(T0.plusSeconds(2 + LAUNCH_TIMEOUT - 1)).launchesOverdue());
            SweepReport report = sweep(T0.plusSeconds(2 + LAUNCH_TIMEOUT));

            assertEquals(1, report.launchesOverdue());
            assertEquals(1, report.replacementsRequested());
            TaskRecord overdue = task(replacement);
            assertEquals(Phase.STOPPED, overdue.lastStatus(), "no agent ever reported it: no kill to wait for");
            assertEquals(Outcome.FAILED, overdue.outcome());
            assertTrue(overdue.outcomeReason().startsWith("launch overdue"), overdue.outcomeReason());
            List<JsonNode> events = stack.drainNotifications();
            assertEquals(List.of(replacement), published(events, "Task Kill Requested").stream()
                    .map(kill -> kill.at("/detail/taskId").asText()).toList());
            String next = overdue.replacedBy();
            assertEquals(List.of(next), published(events, "Task Replacement Requested").stream()
                    .map(request -> request.at("/detail/taskId").asText()).toList());

            assertEquals(Verdict.REJECTED, apply(agent(replacement, AgentState.RUNNING, 400, "rr-late")),
                    "it started after all");
            assertEquals(List.of(replacement), published(stack.drainNotifications(), "Task Kill Requested").stream()
                    .map(kill -> kill.at("/detail/taskId").asText()).toList(), "and is killed again");
            apply(agent(replacement, AgentState.KILLED, 401, "rr-k"));
            assertEquals(Phase.STOPPED, task(replacement).lastStatus());
            assertEquals(Outcome.FAILED, task(replacement).outcome(), "why it ended: its launch was overdue");
            apply(agent(next, AgentState.RUNNING, 401, "next-r"));
            assertEquals(0, sweep(T0.plusSeconds(3600)).launchesOverdue(), "a task that runs has no launch to time");
        }
    }

    @Nested
    class Ownership {

        @Test
        void anAgentsKillOfAHealthyEcsTaskIsInvalidAndTheTaskRunsOn() throws Exception {
            stack.apply(Fixtures.ecs("c0ffee", Phase.RUNNING, 4));
            Map<String, AttributeValue> before = stack.rawItem("c0ffee");
            stack.drainNotifications();

            JsonNode answer = statusChange(agentReport("c0ffee", "TASK_KILLED", 9));

            assertEquals("INVALID", answer.get("verdict").asText(), answer.toString());
            assertEquals(before, stack.rawItem("c0ffee"), "nothing written");
            assertEquals(Verdict.DUPLICATE, apply(Fixtures.ecs("c0ffee", Phase.RUNNING, 4)));
            assertEquals(Verdict.APPLIED, apply(Fixtures.ecs("c0ffee", Phase.STOPPING, 5)));
            assertEquals(List.of(), published(stack.drainNotifications(), "Task Kill Requested"));
        }

        @Test
        void anEcsEventForAnAgentsTaskIsInvalid() {
            apply(launch("t1", null, false, false, null));
            apply(agent("t1", AgentState.RUNNING, 1, "t1-r"));
            TaskRecord running = task("t1");
            assertEquals(Verdict.INVALID, apply(Fixtures.ecs("t1", Phase.STOPPED, 9)));
            assertEquals(running, task("t1"));
        }
    }

    @Nested
    class IdsTheServiceMakes {

        @Test
        void aMarathonAppsReplacementIsAnIdTheServiceTakesReportsFor() throws Exception {
            for (String app : List.of("/prod/web", "/a/b-c/d.e", "/" + "a".repeat(120) + "/" + "b-c".repeat(44) + "xy")) {
                String taskId = "task-" + app.length() + "-" + app.hashCode();
                apply(launch(taskId, app, false, false, null));
                apply(agent(taskId, AgentState.RUNNING, 1, taskId + "-r"));
                apply(agent(taskId, AgentState.FAILED, 2, taskId + "-f"));
                String replacement = task(taskId).replacedBy();
                assertTrue(TaskIds.isValid(replacement), replacement);
                assertTrue(replacement.startsWith(TaskIds.replacementPrefix(app) + "."), replacement);

                JsonNode running = statusChange(agentReport(replacement, "TASK_RUNNING", 3));
                assertEquals("APPLIED", running.get("verdict").asText(), app + ": " + running);
            }
            assertTrue(task("task-9-" + "/prod/web".hashCode()).replacedBy().startsWith("prod_web."));
        }

        @Test
        void aServiceThatCannotNameAReplacementIsInvalidAtLaunch() {
            for (String service : List.of("/", "_", "../..")) {
                ObjectNode envelope = envelope("Task Launch Requested", "dev.tasklife.control");
                envelope.putObject("detail").put("taskId", "t1").put("service", service);
                JsonNode answer = statusChange(envelope);
                assertEquals("INVALID", answer.get("verdict").asText(), service + ": " + answer);
            }
            assertEquals(0, stack.itemCount());
        }
    }

    /** An ECS task's whole lifecycle as ECS sends it: the sample event's detail at each version. */
    @Nested
    class FirstSeenLate {

        private List<TaskEvent> realLifecycle(String taskId) throws Exception {
            JsonNode sample = JsonFields.mapper().readTree(Files.readString(ProjectFiles.resolve("events",
                    "ecs-task-running.json"))).get("detail");
            String arn = sample.get("taskArn").asText().replaceAll("[^/]+$", taskId);
            List<TaskEvent> events = new ArrayList<>();
            int version = 0;
            for (Phase phase : Phase.LIFECYCLE_ORDER) {
                version++;
                ObjectNode detail = sample.deepCopy();
                detail.put("taskArn", arn).put("lastStatus", phase.name()).put("version", version);
                detail.remove("startedAt");
                if (phase.compareTo(Phase.RUNNING) >= 0) {
                    detail.put("startedAt", "2026-11-25T10:00:04.000Z");
                }
                if (phase.compareTo(Phase.DEACTIVATING) >= 0) {
                    detail.put("desiredStatus", "STOPPED").put("stopCode", "EssentialContainerExited")
                            .put("stoppedReason", "Essential container in task exited")
                            .put("stoppingAt", "2026-11-25T10:05:00.000Z");
                    ((ObjectNode) detail.get("containers").get(0)).put("exitCode", 1);
                }
                if (phase == Phase.STOPPED) {
                    detail.put("stoppedAt", "2026-11-25T10:05:30.000Z");
                }
                events.add(EventParser.ecsStateChange("ecs-" + taskId + "-" + version, T0.plusSeconds(version),
                        detail));
            }
            return events;
        }

        /** The record's fields that say what the task is; the write bookkeeping (versions, history) aside. */
        private Map<String, Object> fields(TaskRecord record) throws Exception {
            Set<String> bookkeeping = Set.of("taskId", "taskArn", "version", "appliedKeys", "history",
                    "earlierMoves", "earlierPhase", "createdAt", "updatedAt");
            Map<String, Object> fields = new LinkedHashMap<>();
            for (RecordComponent component : TaskRecord.class.getRecordComponents()) {
                if (!bookkeeping.contains(component.getName())) {
                    fields.put(component.getName(), component.getAccessor().invoke(record));
                }
            }
            return fields;
        }

        @Test
        void aTaskFirstSeenStoppedKeepsItsStopReasonStopCodeAndTimes() throws Exception {
            List<TaskEvent> events = realLifecycle("late");
            assertEquals(Verdict.APPLIED, apply(events.get(events.size() - 1)));
            TaskRecord late = task("late");
            assertEquals("Essential container in task exited", late.stopReason());
            assertEquals("EssentialContainerExited", late.stopCode());
            assertEquals(Instant.parse("2026-11-25T10:00:04Z"), late.startedAt());
            assertEquals(Instant.parse("2026-11-25T10:05:30Z"), late.stoppedAt());
            assertEquals(Outcome.FAILED, late.outcome(), "its container exited 1");
            assertEquals("2026-11-25T10:05:30Z", stack.describe("late").at("/task/stoppedAt").asText());
        }

        @Test
        void shuffledDeliveryLeavesTheRecordInOrderDeliveryLeavesFieldByField() throws Exception {
            for (TaskEvent event : realLifecycle("inorder")) {
                apply(event);
            }
            Map<String, Object> inOrder = fields(task("inorder"));
            for (int seed = 1; seed <= 4; seed++) {
                String taskId = "shuffled" + seed;
                List<TaskEvent> events = new ArrayList<>(realLifecycle(taskId));
                events.addAll(realLifecycle(taskId).subList(1, 4));
                Collections.shuffle(events, new Random(seed));
                for (TaskEvent event : events) {
                    apply(event);
                }
                assertEquals(inOrder, fields(task(taskId)), "seed " + seed + ": " + events.stream()
                        .map(TaskEvent::eventId).toList());
            }
        }
    }

    @Nested
    class Unreadable {

        /** An UNREACHABLE agent task as a newer version might write it: a phase this version does not know. */
        private void poison(String taskId) {
            TaskRecord record = Fixtures.record(taskId, Phase.UNREACHABLE, 3).since(T0).build();
            Map<String, AttributeValue> item = RecordItems.withRaw(RecordItems.withRaw(RecordItems.withRaw(
                    RecordItems.item(record), "lastStatus", AttributeValue.fromS("PAUSED")),
                    "reconcileKey", AttributeValue.fromS(Fixtures.SWEEP_INDEX.shards().keyOf("AGENT", taskId))),
                    "heardAt", AttributeValue.fromN(Long.toString(T0.toEpochMilli())));
            stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(item));
        }

        @Test
        void anItemThisVersionCannotReadIsNamedAndSkippedByEveryReaderOfMany() throws Exception {
            poison("paused");
            apply(launch("good", null, false, false, null));
            apply(agent("good", AgentState.RUNNING, 1, "good-r"));
            apply(agent("good", AgentState.UNREACHABLE, 2, "good-u"));

            JsonNode batch = stack.invoke("describe", "{\"taskIds\": [\"good\", \"paused\", \"nobody\"]}");
            assertEquals(1, batch.path("tasks").size(), batch.toString());
            assertEquals("good", batch.at("/tasks/0/task/taskId").asText());
            assertEquals("paused", batch.at("/failures/0/taskId").asText());
            assertEquals("UNREADABLE", batch.at("/failures/0/reason").asText());
            assertTrue(batch.at("/failures/0/detail").asText().contains("PAUSED"), batch.toString());
            assertEquals("MISSING", batch.at("/failures/1/reason").asText());
            JsonNode one = stack.describe("paused");
            assertEquals("TaskUnreadable", one.get("error").asText(), one.toString());

            SweepReport swept = sweep(T0.plusSeconds(2 + 900));
            assertEquals(1, swept.failed(), swept.toString());
            assertEquals(1, swept.expunged(), "the others are swept");
            ReconcileReport reconciled = stack.reconciler(T0.plusSeconds(3600)).reconcile(() -> Long.MAX_VALUE);
            assertEquals(1, reconciled.failed(), reconciled.toString());
        }

        @Test
        void anEventForAnItemThisVersionCannotReadFailsItsInvocationSoThatLambdaKeepsIt() {
            poison("paused");
            Map<String, AttributeValue> before = stack.rawItem("paused");
            assertThrows(RuntimeException.class, () -> statusChange(agentReport("paused", "TASK_RUNNING", 9)));
            assertThrows(RuntimeException.class, () -> statusChange(agentReport("paused", "TASK_FAILED", 9)));
            assertEquals(before, stack.rawItem("paused"), "nothing written");
            assertNotEquals(0, stack.itemCount());
        }
    }
}
