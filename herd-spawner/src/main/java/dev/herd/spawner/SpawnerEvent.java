package dev.herd.spawner;

import dev.herd.os.Signal;

/**
 * What reaches the spawner loop from other threads: signal handlers, process-exit callbacks and
 * the admin endpoints only put one of these on the queue (STYLE rule 1); the loop decides.
 */
sealed interface SpawnerEvent {
    record SignalReceived(Signal signal) implements SpawnerEvent {
    }

    record HandlerExited(HandlerHandle handle, int status) implements SpawnerEvent {
    }

    record StopRequested(String source) implements SpawnerEvent {
    }

    /** A fixed target from {@code herd scale N} or the admin endpoint; empty: back to the policy. */
    record ScaleRequested(java.util.OptionalInt handlers, String source) implements SpawnerEvent {
    }
}
