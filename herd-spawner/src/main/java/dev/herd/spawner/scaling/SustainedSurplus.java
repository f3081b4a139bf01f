package dev.herd.spawner.scaling;

import java.time.Duration;

/**
 * Since when a surplus of handlers has lasted without interruption, and whether it has lasted
 * long enough to retire one: the slow half of the spare and adaptive policies. After each
 * retirement the surplus must last a whole {@code idleTimeout} again before the next.
 */
final class SustainedSurplus {
    private final long idleTimeoutNanos;
    private long since = Long.MIN_VALUE;

    SustainedSurplus(Duration idleTimeout) {
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    void interrupted() {
        since = Long.MIN_VALUE;
    }

    /** Records that the surplus holds at {@code now}; returns how long it has lasted, in nanoseconds. */
    long lasted(long now) {
        if (since == Long.MIN_VALUE) {
            since = now;
        }
        return now - since;
    }

    /** True once it has lasted the idle timeout; the timer then starts over for the next one. */
    boolean retireOne(long now) {
        if (lasted(now) < idleTimeoutNanos) {
            return false;
        }
        since = now;
        return true;
    }
}
