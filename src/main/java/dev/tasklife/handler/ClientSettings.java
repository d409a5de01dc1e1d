package dev.tasklife.handler;

import java.time.Duration;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;

/**
 * How an AWS call is retried and bounded: the SDK's standard retry strategy (exponential backoff with jitter,
 * throttling and transient errors retried) inside a total time budget per call, so that a call that cannot succeed
 * fails the invocation in time for Lambda's own retries and on-failure destination to take the event.
 */
public final class ClientSettings {

    private ClientSettings() {
    }

    public static ClientOverrideConfiguration overrides(int maxAttempts, Duration attemptTimeout,
                                                        Duration callTimeout) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build())
                .apiCallAttemptTimeout(attemptTimeout)
                .apiCallTimeout(callTimeout)
                .build();
    }
}
