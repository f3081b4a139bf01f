package dev.herd.spawner;

import dev.herd.os.Signal;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * What reaches the spawner loop from other threads: signal handlers, process-exit callbacks and
 * the admin endpoints only put one of these on the queue (rule 1 in CONTRIBUTING.md); the loop decides.
 */
sealed interface SpawnerEvent {
    record SignalReceived(Signal signal) implements SpawnerEvent {
    }

    record HandlerExited(long pid, int status) implements SpawnerEvent {
    }

    record StopRequested(String source) implements SpawnerEvent {
    }

    /** The handlers should open their log files again (after a rotation). */
    record ReopenLogsRequested(String source) implements SpawnerEvent {
    }

    /** A fixed target from {@code herd scale N} or the admin endpoint; empty: back to the policy. */
    record ScaleRequested(OptionalInt handlers, String source) implements SpawnerEvent {
    }

    /** Read the configuration again and start a new generation; {@code outcome} says how it ended. */
    record ReloadRequested(String source, CompletableFuture<ReloadOutcome> outcome) implements SpawnerEvent {
    }
}
