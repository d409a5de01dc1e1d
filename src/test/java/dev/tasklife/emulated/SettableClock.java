package dev.tasklife.emulated;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import dev.tasklife.Fixtures;

/**
 * The service's clock in the tests: it says what the test sets, so timers can be tried without waiting. Replaces
 * the system clock bean in every {@code @QuarkusTest}; it starts at {@link Fixtures#T0}.
 */
@Alternative
@Priority(1)
@Singleton
public class SettableClock extends Clock {

    private volatile Instant now = Fixtures.T0;

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
