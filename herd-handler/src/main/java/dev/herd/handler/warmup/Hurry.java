package dev.herd.handler.warmup;

import java.util.concurrent.CompletableFuture;

/**
 * The spawner's word that the pool needs this handler now (SIGUSR1 while it boots): no handler
 * accepts and clients wait in the kernel's queue. It may come before, during or after the
 * warm-up; a warm-up that has not begun is skipped, one under way stops after the requests in
 * flight, and the handler joins the accept race cold.
 *
 * <p>Safe from any thread.
 */
public final class Hurry {
    private final CompletableFuture<Void> requested = new CompletableFuture<>();

    /** Asks for it; any later call does nothing more. */
    public void request() {
        requested.complete(null);
    }

    /** Whether it was asked for. */
    public boolean requested() {
        return requested.isDone();
    }

    /** Runs {@code action} once it is asked for: at once if it already was, else on the asking thread. */
    void whenRequested(Runnable action) {
        requested.thenRun(action);
    }
}
