package dev.herd.spawner;

import java.time.Duration;

/**
 * Handlers that exit before they are ready, counted in a row. Each failure delays the next spawn
 * twice as long as the last (from {@code first} up to {@code max}); a handler that becomes ready
 * resets the count; {@code limit} failures in a row mean the spawner gives up instead of looping.
 */
final class BootFailures {
    private final int limit;
    private final Duration first;
    private final Duration max;
    private int inRow;
    private long notBeforeNanos = Long.MIN_VALUE;

    BootFailures(int limit, Duration first, Duration max) {
        this.limit = limit;
        this.first = first;
        this.max = max;
    }

    /** Records a failed boot at {@code now}; returns the delay before the next spawn. */
    Duration failed(long nowNanos) {
        inRow++;
        long factor = 1L << Math.min(20, inRow - 1);
        Duration delay = first.multipliedBy(factor);
        if (delay.compareTo(max) > 0) {
            delay = max;
        }
        notBeforeNanos = nowNanos + delay.toNanos();
        return delay;
    }

    void succeeded() {
        inRow = 0;
        notBeforeNanos = Long.MIN_VALUE;
    }

    boolean gaveUp() {
        return inRow >= limit;
    }

    int inRow() {
        return inRow;
    }

    boolean maySpawn(long nowNanos) {
        return nowNanos - notBeforeNanos >= 0 || notBeforeNanos == Long.MIN_VALUE;
    }

    long notBeforeNanos() {
        return notBeforeNanos;
    }
}
