package dev.tasklife.handler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tasklife.domain.TaskEvent;
import dev.tasklife.input.Admission;
import dev.tasklife.input.EventParser;
import dev.tasklife.input.InvalidEventException;
import dev.tasklife.input.JsonFields;
import dev.tasklife.service.StatusChangeService;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Pays at init what the first event would otherwise pay, when no event waits for the init: SnapStart's (the JVM
 * deployment publishes versions with SnapStart, and a restored environment starts from the snapshot taken after it)
 * or provisioned concurrency's. The AWS clients are made (they are lazy beans), a real-shaped ECS event
 * is read and decided as the status-change function would, and the SDK's request path is run against canned
 * responses ({@link SdkWarmUp}). Nothing is written to the table or published; an error here is logged, never fatal.
 * JVM only: a native executable has its classes initialised at build time and no snapshot to keep.
 */
@ApplicationScoped
public class Priming {

    private static final Logger LOG = Logger.getLogger(Priming.class);

    void prime(@Observes StartupEvent start,
               @ConfigProperty(name = "tasklife.priming.initialization-types") Set<String> primedInitializations,
               @ConfigProperty(name = "tasklife.initialization-type") String initialization,
               DynamoDbClient dynamo, EventBridgeClient eventBridge, StatusChangeService statusChanges,
               Admission admission, Clock clock) {
        if (!primedInitializations.contains(initialization) || ImageMode.current() == ImageMode.NATIVE_RUN) {
            return;
        }
        long began = System.nanoTime();
        try {
            dynamo.serviceClientConfiguration();
            eventBridge.serviceClientConfiguration();
            TaskEvent event = EventParser.parse(JsonFields.readObject(new ByteArrayInputStream(
                    sampleEcsEvent(admission, clock).getBytes(StandardCharsets.UTF_8)), JsonFields.MAX_INPUT_BYTES),
                    StatusChangeHandler.HANDLED, admission);
            statusChanges.lifecycle().firstAttempt(event);
            SdkWarmUp.warmUp(DynamoDbClient.class, EventBridgeClient.class);
            LOG.infof("primed in %d ms", (System.nanoTime() - began) / 1_000_000);
        } catch (InvalidEventException | IOException | RuntimeException e) {
            LOG.warnf(e, "priming failed after %d ms; the first event pays for what was left",
                    (System.nanoTime() - began) / 1_000_000);
        }
    }

    /** An ECS Task State Change as ECS sends it (the fields the status-change function reads), from a trusted account. */
    private static String sampleEcsEvent(Admission admission, Clock clock) {
        String account = admission.accounts().iterator().next();
        String taskArn = "arn:aws:ecs:us-east-1:" + account + ":task/priming/00000000000000000000000000000000";
        String now = clock.instant().toString();
        return """
                {"version": "0", "id": "00000000-0000-0000-0000-000000000000", "detail-type": "ECS Task State Change",
                 "source": "aws.ecs", "account": "%1$s", "time": "%2$s", "region": "us-east-1",
                 "resources": ["%3$s"],
                 "detail": {"clusterArn": "arn:aws:ecs:us-east-1:%1$s:cluster/priming", "taskArn": "%3$s",
                  "group": "service:priming", "launchType": "FARGATE", "lastStatus": "RUNNING",
                  "desiredStatus": "RUNNING", "version": 3, "createdAt": "%2$s", "startedAt": "%2$s",
                  "updatedAt": "%2$s", "containers": []}}
                """.formatted(account, now, taskArn);
    }
}
