package dev.herd.handler.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** What the application may know and use of the handler that serves a request. */
public interface Exchange {
    /** Pid of the handler process. */
    long pid();

    /** Scoreboard slot of the handler. */
    int slot();

    /** Generation of the handler (grows with every reload). */
    int generation();

    /** Name of the event-loop thread serving this request. */
    String thread();

    /** A stage completed on this request's event loop after {@code delay}, without blocking it. */
    CompletionStage<Void> after(Duration delay);
}
