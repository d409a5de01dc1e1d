package dev.tasklife.publish;

import java.security.SecureRandom;

/**
 * Full-jitter backoff delays, drawn afresh each time (only retries ask for one): a random generator held from
 * before a SnapStart snapshot (a ThreadLocalRandom) would give every environment restored from it the same delays,
 * so that they retry in step; a static SecureRandom would also be state a native image must not fix at build time.
 */
public final class Jitter {

    private Jitter() {
    }

    /** A delay from 0 to {@code ceiling} milliseconds, both included. */
    public static long upTo(long ceiling) {
        return new SecureRandom().nextLong(ceiling + 1);
    }
}
