package dev.tasklife.it;

import static dev.tasklife.Fixtures.T0;
import static dev.tasklife.Fixtures.agent;
import static dev.tasklife.Fixtures.launch;
import static dev.tasklife.Fixtures.stepDone;
import static dev.tasklife.Fixtures.stop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tasklife.Fixtures;
import dev.tasklife.domain.AgentState;
import dev.tasklife.domain.DesiredStatus;
import dev.tasklife.domain.Guard;
import dev.tasklife.domain.KillSelection;
import dev.tasklife.domain.Outcome;
import dev.tasklife.domain.Phase;
import dev.tasklife.domain.Step;
import dev.tasklife.domain.TaskChange;
import dev.tasklife.domain.TaskEvent;
import dev.tasklife.domain.TaskRecord;
import dev.tasklife.domain.Verdict;
import dev.tasklife.emulated.ScenarioSuite;
import dev.tasklife.service.SweepReport;
import dev.tasklife.service.Sweeper;
import dev.tasklife.store.RecordItems;
import dev.tasklife.domain.Timer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 3 on real emulated services: desired status, step events, Marathon's expunge and replacement, the
 * sweeper, stuck steps. Each scenario gets its own table (the sweep index is table-wide).
 */
abstract class OrchestrationScenarios extends ScenarioSuite {

    /** Expunge after 15 minutes, the default. */
    private static final long EXPUNGE_AFTER = 900;


    private List<JsonNode> published(String detailType) throws Exception {
        return stack.drainNotifications().stream()
                .filter(event -> event.get("detail-type").asText().equals(detailType)).toList();
    }

    private List<Phase> phases(String taskId) {
        return task(taskId).history().stream().map(entry -> entry.to()).toList();
    }

    @Nested
    class DesiredStatus_ {

        @Test
        void aLaunchWantsTheTaskRunningAndAStopWantsItStoppedAndTheRecordShowsBoth() {
            apply(launch("t1", false, false));
            assertEquals(DesiredStatus.RUNNING, task("t1").desiredStatus());
            assertEquals(Phase.PENDING, task("t1").lastStatus());
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));

            assertEquals(Verdict.APPLIED, apply(stop("t1")));

            TaskRecord stopping = task("t1");
            assertEquals(DesiredStatus.STOPPED, stopping.desiredStatus());
            assertEquals(Phase.STOPPING, stopping.lastStatus(), "no deactivation step: the agent is asked to kill");
            assertEquals("scaled down", stopping.stopReason());
        }

        @Test
        void aStopForATaskStillProvisioningIsHonouredOnceProvisioningCompletes() throws Exception {
            apply(launch("t1", true, false));
            assertEquals(Verdict.UPDATED, apply(stop("t1")), "the step under way finishes first");
            assertEquals(Phase.PROVISIONING, task("t1").lastStatus());

            apply(stepDone("t1", Step.PROVISIONING, true));
            assertEquals(Phase.DEPROVISIONING, task("t1").lastStatus(), "undo the provisioning, never start");
            apply(stepDone("t1", Step.DEPROVISIONING, true));

            TaskRecord stopped = task("t1");
            assertEquals(List.of(Phase.PROVISIONING, Phase.DEPROVISIONING, Phase.STOPPED), phases("t1"));
            assertEquals(Outcome.STOPPED_BY_REQUEST, stopped.outcome());
            assertEquals(List.of(), published("Task Replacement Requested"), "a stopped task is not replaced");
        }

        @Test
        void aStopThatOvertakesTheLaunchIsNotLost() {
            assertEquals(Verdict.UPDATED, apply(stop("t1")));
            apply(launch("t1", false, false));
            assertEquals(DesiredStatus.STOPPED, task("t1").desiredStatus(), "the launch does not undo the stop");

            apply(agent("t1", AgentState.RUNNING, 1, "r1"));

            assertEquals(Phase.STOPPING, task("t1").lastStatus(), "running, but wanted stopped: kill it");
        }

        @Test
        void anUnreachableTaskAskedToStopStartsStoppingWhenItComesBack() {
            apply(launch("t1", false, false));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            apply(agent("t1", AgentState.UNREACHABLE, 2, "u1"));
            assertEquals(Verdict.UPDATED, apply(stop("t1")));

            apply(agent("t1", AgentState.RUNNING, 40, "r2"));

            assertEquals(Phase.STOPPING, task("t1").lastStatus());
        }
    }

    @Nested
    class StepEvents {

        @Test
        void everyStepOfTheFullPathIsRequestedOnceWithAStableIdempotencyKey() throws Exception {
            apply(new TaskEvent.LaunchRequest("launch-full", T0, "full", "east", "webapp", true, false,
                    List.of("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1"), null, null, null));
            apply(stepDone("full", Step.PROVISIONING, true));
            apply(agent("full", AgentState.RUNNING, 70, "r1"));
            apply(stepDone("full", Step.ACTIVATION, true));
            apply(stop("full"));
            apply(stepDone("full", Step.DEACTIVATION, true));
            assertEquals(1, task("full").killsRequested(), "deactivated, the agent is asked to kill it");
            apply(agent("full", AgentState.KILLED, 200, "k1"));
            apply(stepDone("full", Step.DEPROVISIONING, true));

            assertEquals(Phase.LIFECYCLE_ORDER, phases("full"));
            assertEquals(Outcome.KILLED, task("full").outcome());
            List<JsonNode> events = stack.drainNotifications();
            List<String> requests = events.stream().map(event -> event.get("detail-type").asText())
                    .filter(type -> type.endsWith("Requested")).toList();
            List<String> path = List.of("Task Provisioning Requested", "Task Activation Requested",
                    "Task Deactivation Requested", "Task Kill Requested", "Task Deprovisioning Requested");
            assertEquals(path, requests.stream().sorted(Comparator.comparing(path::indexOf)).toList());
            for (JsonNode request : events) {
                if (request.get("detail-type").asText().endsWith("Requested")
                        && !request.get("detail-type").asText().equals("Task Kill Requested")) {
                    assertEquals(request.at("/detail/eventId").asText(),
                            request.at("/detail/idempotencyKey").asText());
                    assertFalse(request.at("/detail/idempotencyKey").asText().isEmpty());
                }
            }
            assertEquals(Verdict.DUPLICATE, apply(stepDone("full", Step.DEPROVISIONING, true)));
            assertEquals(List.of(), stack.drainNotifications(), "a redelivered completion asks for nothing again");
        }

        @Test
        void aTaskWithoutStepsGoesStraightToPendingAndAsksForNoStep() throws Exception {
            apply(launch("plain", false, false));
            assertEquals(Phase.PENDING, task("plain").lastStatus());
            assertEquals(List.of("Task State Changed"), stack.drainNotifications().stream()
                    .map(event -> event.get("detail-type").asText()).toList());
        }

        @Test
        void aFailedActivationStopsTheTaskWithAClearOutcome() {
            apply(launch("t1", false, true));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            assertEquals(Phase.ACTIVATING, task("t1").lastStatus());

            assertEquals(Verdict.APPLIED, apply(stepDone("t1", Step.ACTIVATION, false)));

            TaskRecord failed = task("t1");
            assertEquals(Phase.DEACTIVATING, failed.lastStatus(), "undo what activation registered");
            assertEquals(Outcome.FAILED, failed.outcome());
            assertEquals("ACTIVATION failed: target group not found", failed.outcomeReason());
            assertEquals(DesiredStatus.STOPPED, failed.desiredStatus());
        }

        @Test
        void aCompletionForAStepNotUnderWayIsStaleAndChangesNothing() {
            apply(launch("t1", false, true));
            long version = task("t1").version();
            assertEquals(Verdict.STALE, apply(stepDone("t1", Step.ACTIVATION, true)), "PENDING: not activating");
            assertEquals(version, task("t1").version());
        }

        @Test
        void aCompletionForAStepTheTaskNeverAskedForIsRejectedAndChangesNothing() throws Exception {
            apply(launch("t1", false, false));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            apply(stop("t1"));
            stack.drainNotifications();
            TaskRecord stopping = task("t1");
            assertEquals(Verdict.REJECTED, apply(stepDone("t1", Step.DEACTIVATION, true)));
            assertEquals(Verdict.REJECTED, apply(stepDone("t1", Step.DEPROVISIONING, false)));
            assertEquals(stopping, task("t1"), "no step was asked of a worker: nothing it says counts");

            // An ECS task in ECS's own DEACTIVATING waits on ECS, not on a step worker.
            stack.apply(Fixtures.ecs("e1", Phase.DEACTIVATING, 6));
            assertEquals(Verdict.REJECTED, apply(stepDone("e1", Step.DEACTIVATION, true)));
            assertEquals(Phase.DEACTIVATING, task("e1").lastStatus());
            assertEquals(3, published("Task Transition Rejected").size());
        }

        @Test
        void aCompletionForAnUnknownTaskIsRejected() {
            assertEquals(Verdict.REJECTED, apply(stepDone("nobody", Step.PROVISIONING, true)));
            assertEquals(0, stack.itemCount());
        }
    }

    @Nested
    class MarathonHandling {

        @ParameterizedTest
        @EnumSource(value = AgentState.class, names = {"ERROR", "FAILED", "DROPPED", "GONE", "GONE_BY_OPERATOR",
                "UNKNOWN"})
        void aServiceTaskThatFailsIsExpungedAndReplacedWithItsLineage(AgentState failure) throws Exception {
            apply(launch("old", false, false));
            apply(agent("old", AgentState.RUNNING, 1, "r1"));
            stack.drainNotifications();

            assertEquals(Verdict.APPLIED, apply(agent("old", failure, 2, "f1")));

            TaskRecord old = task("old");
            assertEquals(Phase.STOPPED, old.lastStatus());
            assertEquals(failure.outcome().orElseThrow(), old.outcome());
            assertNotNull(old.replacedBy());
            assertEquals(T0.plusSeconds(2).getEpochSecond() + 7 * 24 * 3600, old.tombstoneUntil(),
                    "describable for the tombstone time");
            TaskRecord replacement = task(old.replacedBy());
            assertEquals("old", replacement.replacementOf());
            assertEquals(Phase.PENDING, replacement.lastStatus(), "created in its first phase");
            assertEquals(DesiredStatus.RUNNING, replacement.desiredStatus());
            assertEquals("webapp", replacement.service());
            assertTrue(replacement.replaceOnFailure());

            List<JsonNode> events = stack.drainNotifications();
            JsonNode request = events.stream().filter(event -> event.get("detail-type").asText()
                    .equals("Task Replacement Requested")).findFirst().orElseThrow();
            assertEquals(old.replacedBy(), request.at("/detail/taskId").asText());
            assertEquals("old", request.at("/detail/replacementOf").asText());
            assertEquals("webapp", request.at("/detail/service").asText());
            assertEquals(1, events.stream().filter(event -> event.get("detail-type").asText()
                    .equals("Task Expunged")).count());

            JsonNode description = stack.describe("old");
            assertEquals(old.replacedBy(), description.at("/lineage/replacedBy").asText());
            assertTrue(description.at("/tombstone/why").asText().startsWith("expunged after " + failure.name()));
            assertEquals("old", stack.describe(old.replacedBy()).at("/lineage/replacementOf").asText());
        }

        @ParameterizedTest
        @EnumSource(value = AgentState.class, names = {"FINISHED", "KILLED"})
        void finishedAndKilledTasksAreNotReplaced(AgentState end) throws Exception {
            apply(launch("t1", false, false));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            apply(agent("t1", end, 2, "e1"));
            assertNull(task("t1").replacedBy());
            assertFalse(task("t1").isExpunged());
            assertEquals(List.of(), published("Task Replacement Requested"));
        }

        @Test
        void aTaskNoServiceRunsIsNotReplaced() {
            apply(launch("solo", null, false, false, null));
            apply(agent("solo", AgentState.RUNNING, 1, "r1"));
            apply(agent("solo", AgentState.FAILED, 2, "f1"));
            assertEquals(Phase.STOPPED, task("solo").lastStatus());
            assertNull(task("solo").replacedBy());
            assertEquals(1, stack.itemCount());
        }

        @Test
        void anUnreachableServiceTaskIsReplacedAtOnceByDefault() throws Exception {
            apply(launch("t1", false, false));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            apply(agent("t1", AgentState.UNREACHABLE, 2, "u1"));
            TaskRecord unreachable = task("t1");
            assertEquals(Phase.UNREACHABLE, unreachable.lastStatus());
            assertNotNull(unreachable.replacedBy());
            assertFalse(unreachable.isExpunged(), "it may still come back");
            assertEquals(1, published("Task Replacement Requested").size());

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));
            assertEquals(Phase.RUNNING, task("t1").lastStatus(), "it came back first");
        }

        /** A service task with this killSelection (null: the default), running, then UNREACHABLE and replaced. */
        private String replacedWhileUnreachable(KillSelection selection, boolean serviceDiscovery) {
            apply(new TaskEvent.LaunchRequest("launch-t1", T0, "t1", "marathon-east", "webapp", false,
                    serviceDiscovery, List.of(), null, 900L, selection));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            if (serviceDiscovery) {
                apply(stepDone("t1", Step.ACTIVATION, true));
            }
            apply(agent("t1", AgentState.UNREACHABLE, 2, "u1"));
            String replacement = task("t1").replacedBy();
            assertNotNull(replacement);
            assertEquals(selection, task(replacement).killSelection(), "the replacement inherits it");
            return replacement;
        }

        @Test
        void aTaskBackAfterItsReplacementWasRequestedIsKeptAndTheYoungerInstanceStoppedByDefault() throws Exception {
            String replacement = replacedWhileUnreachable(null, false);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            stack.drainNotifications();

            assertEquals(Verdict.APPLIED, apply(agent("t1", AgentState.RUNNING, 30, "r2")));

            TaskRecord back = task("t1");
            assertEquals(Phase.RUNNING, back.lastStatus());
            assertEquals(DesiredStatus.RUNNING, back.desiredStatus());
            TaskRecord surplus = task(replacement);
            assertEquals(DesiredStatus.STOPPED, surplus.desiredStatus(), "YOUNGEST_FIRST: the replacement goes");
            assertEquals(Phase.STOPPING, surplus.lastStatus(), "down its stop path in the same transaction");
            List<JsonNode> kills = published("Task Kill Requested");
            assertEquals(1, kills.size());
            assertEquals(replacement, kills.get(0).at("/detail/taskId").asText());
            assertEquals("t1", kills.get(0).at("/detail/kept").asText());

            // The lineage shows both; the task kept is no longer replaced, the other names it.
            JsonNode lineage = stack.describe("t1").at("/lineage");
            assertTrue(lineage.get("replacedBy").isNull(), lineage.toString());
            assertEquals(replacement, lineage.get("releasedReplacement").asText());
            assertEquals(replacement, lineage.get("surplusStopped").asText());
            JsonNode surplusLineage = stack.describe(replacement).at("/lineage");
            assertEquals("t1", surplusLineage.get("replacementOf").asText());
            assertEquals("t1", surplusLineage.get("surplusKept").asText());

            // Its agent kills it: killed, so not replaced.
            apply(agent(replacement, AgentState.KILLED, 40, "rr2"));
            assertEquals(Phase.STOPPED, task(replacement).lastStatus());
            assertEquals(List.of(), published("Task Replacement Requested"));
        }

        @Test
        void aReplacementWithAnActivationIsDeactivatedAtOnceWhenTheTaskComesBack() throws Exception {
            String replacement = replacedWhileUnreachable(null, true);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            apply(stepDone(replacement, Step.ACTIVATION, true));
            assertEquals(Phase.RUNNING, task(replacement).lastStatus());
            stack.drainNotifications();

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));

            assertEquals(Phase.RUNNING, task("t1").lastStatus());
            assertEquals(Phase.DEACTIVATING, task(replacement).lastStatus(),
                    "its registrations are undone before it is killed");
            List<JsonNode> published = stack.drainNotifications();
            assertEquals(List.of(replacement), published.stream()
                    .filter(event -> event.get("detail-type").asText().equals("Task Deactivation Requested"))
                    .map(event -> event.at("/detail/taskId").asText()).toList());
            assertEquals(0, published.stream()
                    .filter(event -> event.get("detail-type").asText().equals("Task Kill Requested")).count(),
                    "not killed while still registered");

            apply(stepDone(replacement, Step.DEACTIVATION, true));

            assertEquals(Phase.STOPPING, task(replacement).lastStatus());
            List<JsonNode> kills = published("Task Kill Requested");
            assertEquals(List.of(replacement), kills.stream().map(kill -> kill.at("/detail/taskId").asText())
                    .toList(), "killed once deactivated");
            assertEquals("t1", kills.get(0).at("/detail/kept").asText());
        }

        @Test
        void aReplacementStoppedAsSurplusThatThenGoesUnreachableIsNotReplaced() throws Exception {
            String replacement = replacedWhileUnreachable(null, false);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            apply(agent("t1", AgentState.RUNNING, 30, "r2"));
            assertEquals(Phase.STOPPING, task(replacement).lastStatus());
            stack.drainNotifications();

            apply(agent(replacement, AgentState.UNREACHABLE, 40, "rr2"));

            assertEquals(Phase.UNREACHABLE, task(replacement).lastStatus());
            assertNull(task(replacement).replacedBy(), "it was going anyway: no gap to fill");
            assertEquals(List.of(), published("Task Replacement Requested"));
        }

        @Test
        void withOldestFirstAReplacementThatIsNotRunningIsNotKeptInPlaceOfTheTaskThatCameBack() throws Exception {
            String replacement = replacedWhileUnreachable(KillSelection.OLDEST_FIRST, false);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            apply(agent(replacement, AgentState.UNREACHABLE, 20, "rr2"));
            String second = task(replacement).replacedBy();
            apply(agent(second, AgentState.RUNNING, 25, "rrr1"));
            apply(agent(second, AgentState.KILLED, 26, "rrr2")); // killed: not replaced
            stack.drainNotifications();

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));

            assertEquals(Phase.RUNNING, task("t1").lastStatus(), "the one instance that runs is kept");
            assertEquals(DesiredStatus.RUNNING, task("t1").desiredStatus());
            assertEquals(DesiredStatus.STOPPED, task(replacement).desiredStatus(), "stopped if it ever comes back");
        }

        @ParameterizedTest
        @EnumSource(KillSelection.class)
        void aTaskBackAfterItsReplacementStoppedIsTheInstanceLeftAndIsReplacedAgainAtItsNextOutage(
                KillSelection selection) throws Exception {
            String replacement = replacedWhileUnreachable(selection, false);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            apply(agent(replacement, AgentState.FINISHED, 20, "rr2")); // finished: not replaced
            stack.drainNotifications();

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));

            TaskRecord back = task("t1");
            assertEquals(Phase.RUNNING, back.lastStatus(), "no surplus: it is the service's one instance");
            assertEquals(DesiredStatus.RUNNING, back.desiredStatus());
            assertNull(back.replacedBy());
            assertEquals(replacement, back.releasedReplacement());
            assertEquals(List.of(), published("Task Kill Requested"));

            apply(agent("t1", AgentState.UNREACHABLE, 40, "u2"));
            String second = task("t1").replacedBy();
            assertNotNull(second, "a later outage gets it a new replacement");
            assertFalse(second.equals(replacement));
            assertEquals(1, published("Task Replacement Requested").size());
        }

        @Test
        void aReplacementThatFailedAndWasReplacedInTurnHandsTheSurplusOnToItsOwnReplacement() throws Exception {
            String replacement = replacedWhileUnreachable(null, false);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            apply(agent(replacement, AgentState.FAILED, 20, "rr2"));
            String second = task(replacement).replacedBy();
            assertNotNull(second);
            apply(agent(second, AgentState.RUNNING, 25, "rrr1"));
            stack.drainNotifications();

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));

            assertEquals(Phase.RUNNING, task("t1").lastStatus());
            assertEquals(Phase.STOPPING, task(second).lastStatus(), "the live instance in the chain goes");
            List<JsonNode> kills = published("Task Kill Requested");
            assertEquals(List.of(second), kills.stream().map(kill -> kill.at("/detail/taskId").asText()).toList());
        }

        @Test
        void aReplacementWhoseActivationFailedIsReplacedAtOnceAndBothAreSurplusOnceTheTaskCameBack()
                throws Exception {
            String replacement = replacedWhileUnreachable(null, true);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            apply(stepDone(replacement, Step.ACTIVATION, false));
            assertEquals(Phase.DEACTIVATING, task(replacement).lastStatus(), "its undo step runs");
            assertFalse(task(replacement).decommissioned(), "a failure: it is replaced");
            String second = task(replacement).replacedBy();
            assertNotNull(second, "at once: the service does not wait for the undo step");
            stack.drainNotifications();

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));

            assertEquals(Phase.RUNNING, task("t1").lastStatus(), "the task that came back is the instance");
            assertTrue(task(replacement).decommissioned(), "surplus now: it leaves no gap when it stops");
            assertTrue(task(second).decommissioned(), "its own replacement stands in for t1 too");
            apply(agent(replacement, AgentState.FAILED, 40, "rr2"));
            assertEquals(Phase.DEACTIVATING, task(replacement).lastStatus(), "its deactivation is under way");
            apply(stepDone(replacement, Step.DEACTIVATION, true));
            assertEquals(Phase.STOPPED, task(replacement).lastStatus(), "its agent is gone: nothing to kill");
            assertEquals(List.of(), published("Task Replacement Requested"), "never two instances");
        }

        /** A task asked to stop by a version without the decommissioned flag, which replaced no task wanted STOPPED. */
        @Test
        void aTaskAskedToStopBeforeTheDecommissionedFlagExistedIsStillNeverReplaced() throws Exception {
            apply(launch("t1", false, false));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            apply(stop("t1"));
            stack.dynamo.updateItem(update -> update.tableName(stack.tableName)
                    .key(Map.of("taskId", AttributeValue.fromS("t1"))).updateExpression("REMOVE decommissioned"));
            assertTrue(task("t1").decommissioned(), "read as its desiredStatus says");
            assertTrue(stack.describe("t1").at("/task/decommissioned").asBoolean(), "describe shows it");
            stack.drainNotifications();

            TaskChange blind = new TaskChange.Builder("t1", "e9", "agent:9", T0)
                    .move(null, new Guard(false, Set.of(Phase.STOPPING), null, Set.of())).build();
            TaskRecord stopping = task("t1");
            assertEquals(Phase.STOPPING, stopping.lastStatus(), "the blind write's phase holds");
            assertFalse(stack.writes.apply(blind, null).written(), "a write that reads nothing first: it would write"
                    + " the flag without knowing the record");
            assertEquals(stopping.version(), task("t1").version());
            assertEquals(Verdict.APPLIED, apply(agent("t1", AgentState.FAILED, 3, "r3")));

            assertEquals(Phase.STOPPED, task("t1").lastStatus());
            assertNull(task("t1").replacedBy());
            assertEquals(List.of(), published("Task Replacement Requested"));
            assertEquals(Boolean.TRUE, stack.dynamo.getItem(get -> get.tableName(stack.tableName)
                    .key(Map.of("taskId", AttributeValue.fromS("t1")))).item().get("decommissioned").bool(),
                    "the write carried the flag");
        }

        @Test
        void aTaskWhoseActivationFailedIsWrittenNotDecommissionedAndIsReplaced() throws Exception {
            apply(launch("t1", false, true));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            stack.dynamo.updateItem(update -> update.tableName(stack.tableName) // written before the flag existed
                    .key(Map.of("taskId", AttributeValue.fromS("t1"))).updateExpression("REMOVE decommissioned"));
            apply(stepDone("t1", Step.ACTIVATION, false));
            assertEquals(Boolean.FALSE, stack.dynamo.getItem(get -> get.tableName(stack.tableName)
                    .key(Map.of("taskId", AttributeValue.fromS("t1")))).item().get("decommissioned").bool(),
                    "wanted STOPPED, and known to be no stop request");

            apply(agent("t1", AgentState.FAILED, 2, "r2"));

            assertNotNull(task("t1").replacedBy());
            assertEquals(1, published("Task Replacement Requested").size());
        }

        @Test
        void aTaskAskedToStopWhileUnreachableStopsWhenItComesBackAndItsReplacementIsKept() throws Exception {
            String replacement = replacedWhileUnreachable(null, false);
            apply(stop("t1"));
            stack.drainNotifications();

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));

            assertEquals(Phase.STOPPING, task("t1").lastStatus());
            assertEquals(DesiredStatus.RUNNING, task(replacement).desiredStatus(), "the one instance left");
            assertEquals(List.of("t1"), published("Task Kill Requested").stream()
                    .map(kill -> kill.at("/detail/taskId").asText()).toList(), "only the task asked to stop");
        }

        @Test
        void withOldestFirstTheTaskThatCameBackIsTheOneStopped() throws Exception {
            String replacement = replacedWhileUnreachable(KillSelection.OLDEST_FIRST, false);
            apply(agent(replacement, AgentState.RUNNING, 10, "rr1"));
            stack.drainNotifications();

            apply(agent("t1", AgentState.RUNNING, 30, "r2"));

            TaskRecord back = task("t1");
            assertEquals(DesiredStatus.STOPPED, back.desiredStatus(), "OLDEST_FIRST: the older instance goes");
            assertEquals(Phase.STOPPING, back.lastStatus(), "down its stop path at once");
            assertEquals(replacement, back.replacedBy(), "its replacement stands in for it");
            assertEquals(DesiredStatus.RUNNING, task(replacement).desiredStatus());
            assertEquals("t1", task(replacement).surplusStopped());
            List<JsonNode> kills = published("Task Kill Requested");
            assertEquals(1, kills.size());
            assertEquals("t1", kills.get(0).at("/detail/taskId").asText());
            assertEquals(replacement, kills.get(0).at("/detail/kept").asText());
        }

        @Test
        void withInactiveAfterSecondsTheSweeperRequestsTheReplacementWhenItIsDue() throws Exception {
            apply(launch("t1", "webapp", false, false, 300L));
            apply(agent("t1", AgentState.RUNNING, 1, "r1"));
            apply(agent("t1", AgentState.UNREACHABLE, 2, "u1"));
            assertNull(task("t1").replacedBy());

            SweepReport early = stack.sweeper(T0.plusSeconds(2 + 200)).sweep(() -> Long.MAX_VALUE);
            assertEquals(1, early.notDue());
            assertNull(task("t1").replacedBy());

            SweepReport due = stack.sweeper(T0.plusSeconds(2 + 300)).sweep(() -> Long.MAX_VALUE);
            assertEquals(1, due.replacementsRequested());
            TaskRecord unreachable = task("t1");
            assertEquals(Phase.UNREACHABLE, unreachable.lastStatus());
            assertEquals("t1", task(unreachable.replacedBy()).replacementOf());
        }
    }

    @Nested
    class Sweeper_ {

        /** Puts a service task in UNREACHABLE at T0 + {@code second}. */
        private void unreachableAt(String taskId, long second) {
            apply(launch(taskId, false, false));
            apply(agent(taskId, AgentState.RUNNING, second - 1, taskId + "-r"));
            apply(agent(taskId, AgentState.UNREACHABLE, second, taskId + "-u"));
            // Its replacement is started, as a scheduler starts it (else its launch would time out).
            apply(agent(task(taskId).replacedBy(), AgentState.RUNNING, second, taskId + "-rr"));
        }

        @Test
        void tasksUnreachableTooLongAreMarkedUnknownAndExpungedAndFreshOnesLeftAlone() throws Exception {
            unreachableAt("stale", 10);
            unreachableAt("fresh", 800);
            String replacement = task("stale").replacedBy();
            stack.drainNotifications();

            SweepReport report = stack.sweeper(T0.plusSeconds(10 + EXPUNGE_AFTER)).sweep(() -> Long.MAX_VALUE);

            assertEquals(2, report.read());
            assertEquals(1, report.expunged());
            assertEquals(1, report.notDue());
            assertEquals(0, report.replacementsRequested(), "requested when it became unreachable");
            TaskRecord stale = task("stale");
            assertEquals(Phase.STOPPED, stale.lastStatus());
            assertEquals(Outcome.UNKNOWN, stale.outcome());
            assertEquals(AgentState.UNKNOWN, stale.agentState());
            assertTrue(stale.isExpunged());
            assertEquals(replacement, stale.replacedBy());
            assertEquals(Phase.UNREACHABLE, task("fresh").lastStatus());
            assertEquals(1, published("Task Expunged").size());

            SweepReport again = stack.sweeper(T0.plusSeconds(10 + EXPUNGE_AFTER)).sweep(() -> Long.MAX_VALUE);
            assertEquals(1, again.read(), "an expunged task has left the sweep index");
        }

        @Test
        void aTaskWithoutAServiceIsExpungedWithoutAReplacement() {
            apply(launch("solo", null, false, false, null));
            apply(agent("solo", AgentState.RUNNING, 1, "r1"));
            apply(agent("solo", AgentState.UNREACHABLE, 2, "u1"));

            SweepReport report = stack.sweeper(T0.plusSeconds(2 + EXPUNGE_AFTER)).sweep(() -> Long.MAX_VALUE);

            assertEquals(1, report.expunged());
            assertEquals(0, report.replacementsRequested());
            assertTrue(task("solo").isExpunged());
            assertNull(task("solo").replacedBy());
        }

        @Test
        void aTaskThatReconnectsDuringTheSweepStaysRunning() {
            unreachableAt("back", 10);
            AtomicInteger deadlineChecks = new AtomicInteger();
            // The sweep checks its deadline before each page (one per shard, the earlier ones empty) and before each
            // task: the agent's report lands after the page holding the task was read and before it is handled.
            int pageOfTheTask = Fixtures.SWEEP_INDEX.keys(Timer.UNREACHABLE)
                    .indexOf(Fixtures.SWEEP_INDEX.key(Timer.UNREACHABLE, "back")) + 1;
            SweepReport report = stack.sweeper(T0.plusSeconds(10 + EXPUNGE_AFTER)).sweep(() -> {
                if (deadlineChecks.incrementAndGet() == pageOfTheTask + 1) {
                    apply(agent("back", AgentState.RUNNING, 500, "back-again"));
                }
                return Long.MAX_VALUE;
            });

            assertEquals(1, report.movedOn());
            assertEquals(0, report.expunged());
            TaskRecord back = task("back");
            assertEquals(Phase.RUNNING, back.lastStatus());
            assertFalse(back.isExpunged());
        }

        @Test
        void overlappingSweepsHandleEachTaskOnce() throws Exception {
            for (int i = 0; i < 10; i++) {
                unreachableAt("lost" + i, 10 + i);
            }
            Instant later = T0.plusSeconds(100 + EXPUNGE_AFTER);
            CompletableFuture<SweepReport> first = CompletableFuture.supplyAsync(
                    () -> stack.sweeper(later).sweep(() -> Long.MAX_VALUE));
            CompletableFuture<SweepReport> second = CompletableFuture.supplyAsync(
                    () -> stack.sweeper(later).sweep(() -> Long.MAX_VALUE));

            SweepReport a = first.get();
            SweepReport b = second.get();
            assertEquals(10, a.expunged() + b.expunged(), "each expunged by exactly one sweep");
            for (int i = 0; i < 10; i++) {
                TaskRecord lost = task("lost" + i);
                assertEquals(Phase.STOPPED, lost.lastStatus());
                assertEquals(1, lost.history().stream().filter(entry -> entry.to() == Phase.STOPPED).count());
            }
            assertEquals(10, published("Task Expunged").size());
        }

        @Test
        void anEntryWrittenBeforeTheIndexWasShardedIsStillSwept() {
            TaskRecord lost = Fixtures.record("before-shards", Phase.UNREACHABLE, 3).since(T0).build();
            Map<String, AttributeValue> item = RecordItems.withRaw(RecordItems.item(lost), "sweepKind",
                    AttributeValue.fromS(Timer.UNREACHABLE.name()));
            stack.dynamo.putItem(put -> put.tableName(stack.tableName).item(item));

            SweepReport report = stack.sweeper(T0.plusSeconds(EXPUNGE_AFTER)).sweep(() -> Long.MAX_VALUE);

            assertEquals(1, report.expunged(), report.toString());
            assertEquals(Phase.STOPPED, task("before-shards").lastStatus());
        }

        @Test
        void aSweepReadsTheIndexPageByPage() {
            for (int i = 0; i < 5; i++) {
                unreachableAt("paged" + i, 10);
            }
            stack.dynamoRequests.reset();
            stack.clock.set(T0.plusSeconds(10 + EXPUNGE_AFTER));
            Sweeper pagesOfTwo = new Sweeper(stack.index, stack.tasks, stack.service, stack.clock, 0, 2);
            SweepReport report = pagesOfTwo.sweep(() -> Long.MAX_VALUE);
            assertEquals(5, report.expunged());
            // A key with n entries takes n / 2 + 1 pages of 2 (the last one short or empty); the other waits (none
            // due) one page per key.
            int unreachablePages = Fixtures.SWEEP_INDEX.keys(Timer.UNREACHABLE).stream()
                    .mapToInt(key -> (int) IntStream.range(0, 5).mapToObj(i -> "paged" + i)
                            .filter(id -> Fixtures.SWEEP_INDEX.key(Timer.UNREACHABLE, id).equals(key)).count() / 2 + 1)
                    .sum();
            assertEquals(unreachablePages + Stream.of(Timer.values()).filter(kind -> kind != Timer.UNREACHABLE)
                    .mapToInt(kind -> Fixtures.SWEEP_INDEX.keys(kind).size()).sum(), report.queries());
            assertEquals(report.queries(), stack.dynamoRequests.count("Query"));
        }

        @Test
        void aSweepStopsBeforeItsDeadlineAndTheNextRunFinishes() {
            for (int i = 0; i < 5; i++) {
                unreachableAt("late" + i, 10);
            }
            Instant later = T0.plusSeconds(10 + EXPUNGE_AFTER);
            stack.dynamoRequests.reset();
            // Time runs out once three tasks are written.
            SweepReport cut = stack.sweeper(later).sweep(() -> stack.dynamoRequests.count("UpdateItem") < 3 ? 60_000
                    : 10);
            assertTrue(cut.stoppedEarly());
            assertEquals(3, cut.expunged());

            SweepReport rest = stack.sweeper(later).sweep(() -> 60_000);
            assertFalse(rest.stoppedEarly());
            assertEquals(2, rest.expunged());
        }
    }

    @Nested
    class StuckSteps {

        @Test
        void aTaskStuckProvisioningIsFailedWithAClearOutcome() {
            apply(launch("stuck", true, false));

            SweepReport report = stack.sweeper(T0.plusSeconds(601)).sweep(() -> Long.MAX_VALUE);

            assertEquals(1, report.stepsTimedOut());
            TaskRecord failed = task("stuck");
            assertEquals(Phase.DEPROVISIONING, failed.lastStatus(), "undo whatever provisioning did");
            assertEquals(Outcome.FAILED, failed.outcome());
            assertEquals("PROVISIONING timed out after 600 s", failed.outcomeReason());
        }

        @Test
        void aFailedServiceTaskIsReplacedWhenItsStepTimesOutWithoutWaitingForItsUndoStep() {
            apply(launch("stuck", true, false));
            SweepReport failed = stack.sweeper(T0.plusSeconds(601)).sweep(() -> Long.MAX_VALUE);
            assertEquals(Phase.DEPROVISIONING, task("stuck").lastStatus(), "undo whatever provisioning did");
            String replacement = task("stuck").replacedBy();
            assertNotNull(replacement, "it failed on its way up: the service wants another, now");
            assertEquals(1, failed.stepsTimedOut());
            assertEquals(1, failed.replacementsRequested(), "every replacement the sweep's writes made");
            apply(stepDone(replacement, Step.PROVISIONING, true));
            apply(agent(replacement, AgentState.RUNNING, 700, "rr1"));

            SweepReport report = stack.sweeper(T0.plusSeconds(601 + 601)).sweep(() -> Long.MAX_VALUE);

            assertEquals(Phase.STOPPED, task("stuck").lastStatus(), "forced on");
            assertEquals(replacement, task("stuck").replacedBy());
            assertEquals(1, report.stepsTimedOut());
            assertEquals(0, report.replacementsRequested(), "replaced once");
        }

        @Test
        void aTaskStuckDeactivatingIsForcedOnAndAStepWithinItsTimeIsLeft() {
            apply(new TaskEvent.LaunchRequest("launch-d", T0, "deact", "east", "webapp", false, true, List.of(),
                    null, null, null));
            apply(agent("deact", AgentState.RUNNING, 1, "r1"));
            apply(stepDone("deact", Step.ACTIVATION, true));
            apply(stop("deact"));
            assertEquals(Phase.DEACTIVATING, task("deact").lastStatus());

            assertEquals(0, stack.sweeper(T0.plusSeconds(300)).sweep(() -> Long.MAX_VALUE).stepsTimedOut());
            SweepReport report = stack.sweeper(T0.plusSeconds(30 + 601)).sweep(() -> Long.MAX_VALUE);

            assertEquals(1, report.stepsTimedOut());
            assertEquals(Phase.STOPPING, task("deact").lastStatus(), "forced on to the agent's kill");
            assertEquals("DEACTIVATING timed out after 600 s", task("deact").outcomeReason());
        }
    }
}
