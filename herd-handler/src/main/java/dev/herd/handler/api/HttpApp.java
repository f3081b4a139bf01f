package dev.herd.handler.api;

import java.util.concurrent.CompletionStage;

/**
 * An application served by herd: one request in, one response out.
 *
 * <p>{@link #handle} runs on the event loop that owns the connection, so it must not block: a
 * blocking call stalls every connection of that loop (and its heartbeat: the spawner will see a
 * hung handler). Return a completed stage for work done at once, or a stage completed later, for
 * instance by {@link Exchange#after}.
 */
@FunctionalInterface
public interface HttpApp {
    CompletionStage<Response> handle(Request request, Exchange exchange);
}
