package dev.herd.time;

/**
 * The one source of time for deadlines, timeouts and heartbeats, injected so that tests advance it
 * instead of sleeping.
 *
 * <p>{@link #SYSTEM} reads {@link System#nanoTime()}, which on Linux is CLOCK_MONOTONIC: the same
 * clock in every process of the machine, so a heartbeat stamped by a handler can be compared with
 * the spawner's own reading.
 */
@FunctionalInterface
public interface MonotonicClock {
    MonotonicClock SYSTEM = System::nanoTime;

    long nanoTime();
}
