package dev.tasklife;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import jakarta.inject.Named;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.tasklife.domain.EventTypes;
import dev.tasklife.domain.Step;
import dev.tasklife.emulator.ProjectFiles;
import dev.tasklife.emulator.SamLocal;
import dev.tasklife.emulator.SamTemplate;
import dev.tasklife.handler.BackfillHandler;
import dev.tasklife.handler.DescribeHandler;
import dev.tasklife.handler.PublisherHandler;
import dev.tasklife.handler.ReconcilerHandler;
import dev.tasklife.handler.StatusChangeHandler;
import dev.tasklife.handler.StepCompletionHandler;
import dev.tasklife.handler.SweeperHandler;

/** template.yaml is valid CloudFormation/SAM and deploys exactly the handlers the code has. */
class TemplateTest {

    @Test
    void cfnLintPassesOffline() throws IOException, InterruptedException {
        Process lint;
        try {
            lint = new ProcessBuilder("cfn-lint", "template.yaml").directory(ProjectFiles.root().toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cfn-lint is needed for the template check (.ci/run checks it)", e);
        }
        assertTrue(lint.waitFor(120, TimeUnit.SECONDS), "cfn-lint did not finish");
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, lint.exitValue(), output);
    }

    @Test
    void everyFunctionRunsAHandlerTheArtifactHas() throws IOException {
        Set<String> handlers = new TreeSet<>();
        for (Class<?> handler : new Class<?>[] {StatusChangeHandler.class,
                StepCompletionHandler.class, SweeperHandler.class,
                PublisherHandler.class,
                DescribeHandler.class, ReconcilerHandler.class, BackfillHandler.class}) {
            handlers.add(handler.getAnnotation(Named.class).value());
        }
        SamTemplate template = SamTemplate.load();
        Set<String> deployed = new TreeSet<>();
        for (String function : FUNCTIONS) {
            JsonNode resource = template.resource(function);
            assertEquals("AWS::Serverless::Function", resource.path("Type").asText());
            deployed.add(resource.at("/Properties/Environment/Variables/QUARKUS_LAMBDA_HANDLER").asText());
        }
        assertEquals(handlers, deployed);
    }

    private static Set<String> detailTypesRoutedTo(String function) throws IOException {
        JsonNode events = SamTemplate.load().resource(function).at("/Properties/Events");
        Set<String> detailTypes = new TreeSet<>();
        events.forEach(event -> event.at("/Properties/Pattern/detail-type")
                .forEach(type -> detailTypes.add(type.asText())));
        return detailTypes;
    }

    @Test
    void eachFunctionIsRoutedExactlyTheDetailTypesItHandles() throws IOException {
        assertEquals(new TreeSet<>(StatusChangeHandler.HANDLED), detailTypesRoutedTo("StatusChangeFunction"));
        assertEquals(Set.of(EventTypes.TASK_STEP_COMPLETED), detailTypesRoutedTo("StepCompletionFunction"));
    }

    @Test
    void theSweepIndexIsSparseOnTheAttributesTheStoreWritesAndHoldsOnlyWhatTellsWhetherATaskIsDue()
            throws IOException {
        JsonNode table = SamTemplate.load().resource("TaskTable").path("Properties");
        JsonNode index = table.path("GlobalSecondaryIndexes").get(0);
        assertEquals("sweepDue", index.path("IndexName").asText());
        assertEquals("sweepKind", index.at("/KeySchema/0/AttributeName").asText());
        assertEquals("sweepSince", index.at("/KeySchema/1/AttributeName").asText());
        assertEquals("INCLUDE", index.at("/Projection/ProjectionType").asText());
        assertEquals(Set.of("lastStatus", "version", "replaceOnFailure", "replacedBy", "inactiveAfterSeconds",
                "expungeAfterSeconds"), Set.copyOf(texts(index.at("/Projection/NonKeyAttributes"))));
    }

    @Test
    void theListIndexSpreadsEachClusterAndHoldsOnlyWhatAListReads() throws IOException {
        JsonNode table = SamTemplate.load().resource("TaskTable").path("Properties");
        JsonNode index = null;
        for (JsonNode candidate : table.path("GlobalSecondaryIndexes")) {
            if (candidate.path("IndexName").asText().equals("byCluster")) {
                index = candidate;
            }
        }
        assertTrue(index != null, "the list index is declared");
        assertEquals("clusterShard", index.at("/KeySchema/0/AttributeName").asText());
        assertEquals("taskId", index.at("/KeySchema/1/AttributeName").asText());
        assertEquals("INCLUDE", index.at("/Projection/ProjectionType").asText());
        assertEquals(Set.of("taskArn", "service", "desiredStatus", "lastStatus"),
                Set.copyOf(texts(index.at("/Projection/NonKeyAttributes"))));
    }

    @Test
    void theStatusChangeFunctionMayOnlyWriteAndReadTasksAndPublishWhatItAnswers() throws IOException {
        assertEquals(Map.of("dynamodb:GetItem", Set.of("TaskTable.Arn"),
                "dynamodb:UpdateItem", Set.of("TaskTable.Arn"),
                "events:PutEvents", Set.of("LifecycleBus.Arn")), allowedActions("StatusChangeFunction"));
    }

    @Test
    void onlyTheBackfillFunctionMayScanAndItMayOnlyScanAndAddKeys() throws IOException {
        assertEquals(Map.of("dynamodb:Scan", Set.of("TaskTable.Arn"),
                "dynamodb:UpdateItem", Set.of("TaskTable.Arn")), allowedActions("BackfillFunction"));
        assertTrue(SamTemplate.load().resource("BackfillFunction").at("/Properties/Events").isMissingNode(),
                "run by hand, never on a schedule");
        JsonNode update = SamTemplate.load().resource("BackfillFunction").at("/Properties/Policies/0/Statement/1");
        assertEquals("dynamodb:UpdateItem", update.path("Action").asText());
        assertEquals(Set.of("taskId", "lastStatus", "reconcileKey", "heardAt", "clusterShard"),
                Set.copyOf(texts(update.at("/Condition/ForAllValues:StringEquals/dynamodb:Attributes"))),
                "what BackfillScan.addToReconcileIndex and addToListIndex name, and nothing else");
        for (String function : FUNCTIONS) {
            if (!function.equals("BackfillFunction")) {
                assertFalse(allowedActions(function).containsKey("dynamodb:Scan"), function);
            }
        }
    }

    @Test
    void theDescribeFunctionMayOnlyReadTasksAndQueryTheListIndex() throws IOException {
        assertEquals(Map.of("dynamodb:GetItem", Set.of("TaskTable.Arn"),
                "dynamodb:BatchGetItem", Set.of("TaskTable.Arn"),
                "dynamodb:Query", Set.of("${TaskTable.Arn}/index/byCluster")), allowedActions("DescribeFunction"));
    }

    @Test
    void theSweeperMayOnlyQueryTheSweepIndexReadTheDueTasksAndWriteThemAndPublish() throws IOException {
        assertEquals(Map.of("dynamodb:GetItem", Set.of("TaskTable.Arn"),
                "dynamodb:BatchGetItem", Set.of("TaskTable.Arn"),
                "dynamodb:UpdateItem", Set.of("TaskTable.Arn"),
                "dynamodb:Query", Set.of("${TaskTable.Arn}/index/sweepDue"),
                "events:PutEvents", Set.of("LifecycleBus.Arn")), allowedActions("SweeperFunction"));
    }

    @Test
    void theReconcilerMayOnlyQueryItsIndexMoveTasksAndDescribeThisAccountsEcsTasks() throws IOException {
        assertEquals(Map.of("dynamodb:GetItem", Set.of("TaskTable.Arn"),
                "dynamodb:BatchGetItem", Set.of("TaskTable.Arn"),
                "dynamodb:UpdateItem", Set.of("TaskTable.Arn"),
                "dynamodb:Query", Set.of("${TaskTable.Arn}/index/reconcileDue"),
                "ecs:DescribeTasks", Set.of("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/*"),
                "ecs:ListTasks", Set.of("*"),
                "events:PutEvents", Set.of("LifecycleBus.Arn")), allowedActions("ReconcilerFunction"));
    }

    @Test
    void thePublisherMayPutEveryKindOfEventAWriteLeadsTo() throws IOException {
        Set<String> followUps = new TreeSet<>(List.of(EventTypes.TASK_STATE_CHANGED,
                EventTypes.TASK_REPLACEMENT_REQUESTED, EventTypes.TASK_EXPUNGED, EventTypes.TASK_KILL_REQUESTED));
        for (Step step : Step.values()) {
            followUps.add(EventTypes.stepRequested(step));
        }
        Set<String> allowed = new TreeSet<>();
        for (JsonNode policy : SamTemplate.load().resource("PublisherFunction").at("/Properties/Policies")) {
            for (JsonNode statement : policy.path("Statement")) {
                allowed.addAll(texts(statement.at("/Condition/StringEquals/events:detail-type")));
            }
        }
        assertEquals(followUps, allowed, "what FollowUps makes of a write, and nothing else");
    }

    /** Each action a function's policies allow, with the resources it is allowed on. */
    private static Map<String, Set<String>> allowedActions(String function) throws IOException {
        Map<String, Set<String>> allowed = new TreeMap<>();
        for (JsonNode policy : SamTemplate.load().resource(function).at("/Properties/Policies")) {
            for (JsonNode statement : policy.path("Statement")) {
                assertEquals("Allow", statement.path("Effect").asText());
                List<String> actions = statement.path("Action").isArray() ? texts(statement.path("Action"))
                        : List.of(statement.path("Action").asText());
                actions.forEach(action -> allowed.computeIfAbsent(action, a -> new TreeSet<>())
                        .add(statement.path("Resource").asText()));
            }
        }
        return allowed;
    }

    private static final List<String> FUNCTIONS = List.of("StatusChangeFunction", "StepCompletionFunction",
            "SweeperFunction", "PublisherFunction", "DescribeFunction", "ReconcilerFunction", "BackfillFunction");

    @Test
    void theTableIsProtectedAndNeverDeletesATaskByItself() throws IOException {
        JsonNode table = SamTemplate.load().resource("TaskTable").path("Properties");
        assertTrue(table.path("DeletionProtectionEnabled").asBoolean());
        assertTrue(table.path("TimeToLiveSpecification").isMissingNode(),
                "no TTL: a deleted expunged task could be brought back by a late report");
    }

    @Test
    void everyRuleTakesEventsOnlyFromTrustedSourcesAndAccounts() throws IOException {
        SamTemplate template = SamTemplate.load();
        int rules = 0;
        for (String function : FUNCTIONS) {
            for (JsonNode event : template.resource(function).at("/Properties/Events")) {
                if (!event.path("Type").asText().equals("EventBridgeRule")) {
                    continue;
                }
                rules++;
                JsonNode pattern = template.resolveParameters(event.at("/Properties/Pattern"));
                assertTrue(pattern.path("source").isArray() && !pattern.path("source").isEmpty(), pattern.toString());
                assertEquals(List.of(Fixtures.ACCOUNT), texts(pattern.path("account")), pattern.toString());
                assertFalse(texts(pattern.path("source")).contains(template.parameterDefault("EventSource")),
                        "what the functions publish is never their input: " + pattern);
            }
        }
        assertEquals(4, rules);
    }

    @Test
    void theFunctionsMayPublishOnlyTheirOwnOutboundEventsAsThemselves() throws IOException {
        SamTemplate template = SamTemplate.load();
        Set<String> outbound = new TreeSet<>(List.of(EventTypes.TASK_STATE_CHANGED, EventTypes.TASK_TRANSITION_REJECTED,
                EventTypes.TASK_REPLACEMENT_REQUESTED, EventTypes.TASK_EXPUNGED, EventTypes.TASK_KILL_REQUESTED,
                EventTypes.TASK_RECONCILIATION_REQUESTED));
        for (Step step : Step.values()) {
            outbound.add(EventTypes.stepRequested(step));
        }
        int statements = 0;
        for (String function : FUNCTIONS) {
            for (JsonNode policy : template.resource(function).at("/Properties/Policies")) {
                for (JsonNode statement : policy.path("Statement")) {
                    if (!statement.path("Action").asText().equals("events:PutEvents")) {
                        continue;
                    }
                    statements++;
                    JsonNode condition = statement.at("/Condition/StringEquals");
                    assertEquals("EventSource", condition.path("events:source").asText(), function);
                    List<String> types = texts(condition.path("events:detail-type"));
                    assertFalse(types.isEmpty(), function);
                    assertTrue(outbound.containsAll(types), function + " may put " + types);
                }
            }
        }
        assertEquals(5, statements, "every function that publishes, the describe function not");
    }

    @Test
    void everyFunctionLogsToAGroupWithRetention() throws IOException {
        SamTemplate template = SamTemplate.load();
        for (String function : FUNCTIONS) {
            String group = template.resource(function).at("/Properties/LoggingConfig/LogGroup").asText();
            JsonNode logGroup = template.resource(group);
            assertEquals("AWS::Logs::LogGroup", logGroup.path("Type").asText(), function);
            assertEquals("LogRetentionDays", logGroup.at("/Properties/RetentionInDays").asText(), function);
        }
    }

    @Test
    void failedStreamRecordsAreKeptWholeBeforeTheStreamForgetsThem() throws IOException {
        SamTemplate template = SamTemplate.load();
        JsonNode stream = template.resource("PublisherFunction").at("/Properties/Events/TaskTableStream/Properties");
        assertEquals("S3", stream.at("/DestinationConfig/OnFailure/Type").asText(),
                "an S3 destination keeps the records; SQS would get only their positions");
        assertEquals("AWS::S3::Bucket", template.resource(stream.at("/DestinationConfig/OnFailure/Destination")
                .asText().replace(".Arn", "")).path("Type").asText());
        assertTrue(stream.path("MaximumRecordAgeInSeconds").asInt() <= 86_400 / 2,
                "retries end well before the stream's 24 hours of retention");
        assertTrue(texts(stream.path("FunctionResponseTypes")).contains("ReportBatchItemFailures"));
    }

    @Test
    void everyFailureDestinationAndTheSweeperHaveAnAlarm() throws IOException {
        SamTemplate template = SamTemplate.load();
        String alarms = StreamSupport.stream(Spliterators.spliteratorUnknownSize(template.resources(), 0), false)
                .filter(resource -> resource.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm"))
                .map(resource -> resource.getValue().toString()).collect(Collectors.joining("\n"));
        assertTrue(alarms.contains("FailedInvocationsQueue"), "the failed-invocations queue");
        assertTrue(alarms.contains("OnFailureDestinationDeliveredEventCount")
                && alarms.contains("PublisherFunctionTaskTableStream"), "the stream-failures bucket");
        assertTrue(alarms.contains("SweepFailures") && alarms.contains("SweeperFunction"), "the sweeper");
        assertTrue(alarms.contains("ReconcileFailures") && alarms.contains("ReconcilerFunction"), "the reconciler");
    }

    @Test
    void everyWaitsTimerIsAParameterAndAnUnconfirmedKillOrAnInvalidSenderHasAnAlarm() throws IOException {
        SamTemplate template = SamTemplate.load();
        Map<String, JsonNode> environment = template.globalEnvironment();
        for (String timer : List.of("KillRetrySeconds", "LaunchTimeoutSeconds")) {
            String variable = timer.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
            assertTrue(environment.containsKey(variable), variable + " set from the parameter " + timer);
            assertEquals("", template.parameterDefault(timer), "empty: the functions' own default");
        }
        assertEquals("AWS::AccountId", environment.get("TRUSTED_ECS_ACCOUNTS").asText(),
                "ECS events only from the stack's own account, as the ECS rule filters");
        JsonNode kills = template.resource("KillRetriesAlarm").path("Properties");
        assertEquals("KillAttemptsMax", kills.path("MetricName").asText());
        assertEquals("Maximum", kills.path("Statistic").asText());
        assertEquals("KillRetryAlarmAttempts", kills.path("Threshold").asText(), "the threshold is the parameter");
        assertEquals("5", template.parameterDefault("KillRetryAlarmAttempts"));
        String invalid = template.resource("InvalidEventsAlarm").toString();
        for (String function : List.of("status-change", "step-completion")) {
            assertTrue(invalid.contains("\"Invalid\"") && invalid.contains("\"" + function + "\""), invalid);
        }
    }

    @Test
    void onlyThisStacksRulesCanDeadLetterIntoTheFailureQueue() throws IOException {
        SamTemplate template = SamTemplate.load();
        JsonNode statement = template.resource("FailedInvocationsQueuePolicy")
                .at("/Properties/PolicyDocument/Statement/0");
        Set<String> allowed = new TreeSet<>(texts(statement.at("/Condition/ArnEquals/aws:SourceArn")));
        Set<String> deadLettering = new TreeSet<>();
        for (String function : FUNCTIONS) {
            template.resource(function).at("/Properties/Events").fields().forEachRemaining(event -> {
                if (event.getValue().at("/Properties/DeadLetterConfig/Arn").asText().startsWith("FailedInvocations")) {
                    deadLettering.add(function + event.getKey() + ".Arn"); // SAM's name for the rule it makes
                }
            });
        }
        assertEquals(deadLettering, allowed);
    }

    @Test
    void theBusPolicyLetsEachPublisherPutOnlyItsOwnDetailTypesUnderItsOwnSource() throws IOException {
        SamTemplate template = SamTemplate.load();
        Map<String, String> sourceParameter = Map.of(EventTypes.TASK_STATUS_UPDATE, "AgentSources",
                EventTypes.TASK_LAUNCH_REQUESTED, "ControlPlaneSources", EventTypes.TASK_STOP_REQUESTED,
                "ControlPlaneSources", EventTypes.TASK_STEP_COMPLETED, "StepWorkerSources");
        JsonNode policy = new ObjectMapper().readTree(
                ProjectFiles.resolve("infra", "bus-policy-publishers.json").toFile());
        Set<String> covered = new TreeSet<>();
        for (JsonNode statement : policy.path("Statement")) {
            JsonNode condition = statement.at("/Condition/StringEquals");
            String source = condition.path("events:source").asText();
            JsonNode types = condition.path("events:detail-type");
            List<String> detailTypes = types.isArray() ? texts(types) : List.of(types.asText());
            for (String detailType : detailTypes) {
                assertEquals(template.parameterDefault(sourceParameter.get(detailType)), source, detailType);
                covered.add(detailType);
            }
        }
        assertEquals(new TreeSet<>(sourceParameter.keySet()), covered);
    }

    /** template.yaml as CloudFormation runs it: through the SAM transform (infra/emulator/sam_translate.py). */
    private static JsonNode transformed() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("python3", "infra/emulator/sam_translate.py", "template.yaml",
                "TrustedAccounts=" + SamTemplate.SAMPLE_ACCOUNT).directory(ProjectFiles.root().toFile());
        builder.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        Process translate = builder.start();
        byte[] output = translate.getInputStream().readAllBytes();
        String errors = new String(translate.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(translate.waitFor(120, TimeUnit.SECONDS), "the SAM transform did not finish");
        assertEquals(0, translate.exitValue(), errors);
        return new ObjectMapper().readTree(output).path("Resources");
    }

    @Test
    void everyRuleScheduleAndStreamInvokesAPublishedAliasSoThatSnapStartRuns() throws Exception {
        JsonNode resources = transformed();
        Set<String> aliases = new TreeSet<>();
        resources.fields().forEachRemaining(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Lambda::Alias")) {
                assertEquals("live", resource.getValue().at("/Properties/Name").asText());
                aliases.add(resource.getKey());
            }
        });
        assertEquals(7, aliases.size(), "every function is published as live: " + aliases);
        int invokers = 0;
        for (JsonNode resource : resources) {
            String type = resource.path("Type").asText();
            List<JsonNode> invoked = new ArrayList<>();
            if (type.equals("AWS::Events::Rule")) {
                resource.at("/Properties/Targets").forEach(target -> {
                    if (!target.path("Arn").has("Fn::GetAtt")) { // a queue's target, not a function's
                        invoked.add(target.path("Arn"));
                    }
                });
            } else if (type.equals("AWS::Lambda::EventSourceMapping") || type.equals("AWS::Lambda::Permission")) {
                invoked.add(resource.at("/Properties/FunctionName"));
            }
            for (JsonNode function : invoked) {
                assertTrue(aliases.contains(function.path("Ref").asText()), type + " invokes " + function
                        + ", not an alias: an unqualified invoke runs $LATEST, which SnapStart never snapshots");
                invokers++;
            }
        }
        assertTrue(invokers >= 7 + 6, "rules, schedules, the stream mapping and their permissions: " + invokers);
    }

    @Test
    void describeCallersGetAManagedPolicyToInvokeTheDescribeAliasAndNothingElse() throws Exception {
        JsonNode resources = transformed();
        JsonNode statements = resources.at("/DescribeCallerPolicy/Properties/PolicyDocument/Statement");
        assertEquals(1, statements.size());
        JsonNode statement = statements.get(0);
        assertEquals("Allow", statement.path("Effect").asText());
        assertEquals("lambda:InvokeFunction", statement.path("Action").asText());
        assertEquals("DescribeFunctionAliaslive", statement.path("Resource").path("Ref").asText(), "the alias only");
        JsonNode outputs = new ObjectMapper(new YAMLFactory())
                .readTree(ProjectFiles.resolve("template.yaml").toFile()).path("Outputs");
        for (String output : List.of("DescribeCallerPolicyArn", "DescribeFunctionAliasArn")) {
            assertTrue(outputs.path(output).path("Export").has("Name"), output + " is exported");
        }
        assertFalse(ProjectFiles.resolve("infra", "describe-caller-policy.json").toFile().exists(),
                "one caller policy: the template's (the file granted any *-DescribeFunction-* in any account)");
    }

    @Test
    void everyEventTheServicePublishesIsArchivedForTheConfiguredDaysAndDescribeKnowsWhere() throws Exception {
        JsonNode archive = transformed().path("LifecycleArchive");
        assertEquals("AWS::Events::Archive", archive.path("Type").asText());
        assertEquals("LifecycleBus", archive.at("/Properties/SourceArn/Fn::GetAtt/0").asText());
        assertEquals("ArchiveRetentionDays", archive.at("/Properties/RetentionDays/Ref").asText());
        assertEquals("EventSource", archive.at("/Properties/EventPattern/source/0/Ref").asText(), "what it publishes");
        SamTemplate template = SamTemplate.load();
        assertEquals("90", template.parameterDefault("ArchiveRetentionDays"));
        assertTrue(template.resource("DescribeFunction").at("/Properties/Environment/Variables")
                .has("STORY_ARCHIVE_ARN"));
    }

    @Test
    void theJvmPackagingGetsTheMemoryItsInitNeedsAndNativeStaysSmall() throws Exception {
        SamLocal sam = SamLocal.load();
        JsonNode memory = sam.template().at("/Globals/Function/MemorySize/Fn::If");
        assertEquals("IsNative", memory.get(0).asText());
        assertEquals(256, memory.get(1).asInt());
        assertEquals(1024, memory.get(2).asInt());
    }

    @Test
    void thePackageStepNamesThePackagingItsZipIsForAsTheTemplateSpellsIt() throws Exception {
        String pom = Files.readString(ProjectFiles.resolve("pom.xml"));
        Matcher packaging = Pattern.compile(
                "<function\\.packaging>(\\w+)</function\\.packaging>").matcher(pom);
        List<String> values = new ArrayList<>();
        while (packaging.find()) {
            values.add(packaging.group(1));
        }
        assertEquals(List.of("jvm", "native"), values, "the default build, then the native profile's");
        JsonNode parameter = new ObjectMapper(new YAMLFactory())
                .readTree(ProjectFiles.resolve("template.yaml").toFile()).at("/Parameters/Packaging");
        assertEquals(List.of("native", "jvm"), texts(parameter.get("AllowedValues")));
        assertEquals("native", parameter.get("Default").asText(), "the design card's default deployment");
        assertTrue(pom.contains("message=\"target/function.zip is for Packaging=${function.packaging}"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
