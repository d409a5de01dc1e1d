package dev.tasklife.bench;

import java.time.Duration;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The time a thread spent waiting on the DynamoDB emulator, so that a move can be timed as it would be on DynamoDB:
 * its own time (JSON, expressions, the SDK's marshalling, the domain) plus the modelled latency of each request it
 * made, with moto's CPU and queue left out. The sync client sends each request on the calling thread, between
 * {@code beforeTransmission} and {@code afterTransmission}; a retried request is counted once per attempt.
 * Registered by {@code quarkus.dynamodb.interceptors} in {@link LikeForLike}'s profile only.
 */
public final class EmulatorClock implements ExecutionInterceptor {

    private static final ThreadLocal<long[]> SPENT = ThreadLocal.withInitial(() -> new long[3]);
    private static final int WAITED = 0;
    private static final int REQUESTS = 1;
    private static final int SENT_AT = 2;

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        SPENT.get()[SENT_AT] = System.nanoTime();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        long[] spent = SPENT.get();
        spent[WAITED] += System.nanoTime() - spent[SENT_AT];
        spent[REQUESTS]++;
    }

    /**
     * This thread's clock in nanoseconds with every emulator wait replaced by {@code latency}: the difference of two
     * readings is the time between them as the modelled service would have taken it.
     */
    static long modelledNanos(Duration latency) {
        long[] spent = SPENT.get();
        return System.nanoTime() - spent[WAITED] + spent[REQUESTS] * latency.toNanos();
    }
}
