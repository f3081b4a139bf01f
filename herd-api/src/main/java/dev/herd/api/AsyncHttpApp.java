package dev.herd.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * An HTTP application that runs on the event loop and may answer later: {@link #handle} must not
 * block, and returns a stage that some other event completes (a timer, an asynchronous client).
 * The stage may complete on any thread; herd writes the response on the connection's loop.
 *
 * <pre>{@code
 * public final class Later implements AsyncHttpApp {
 *     public CompletionStage<Response> handle(Request request) {
 *         return request.after(Duration.ofMillis(100)).thenApply(done -> Response.text("done"));
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface AsyncHttpApp extends App {

    /**
     * Answers one request; the request body has been received whole. A stage that completes
     * exceptionally, or an exception thrown here, answers 500.
     */
    CompletionStage<Response> handle(Request request) throws Exception;

    /**
     * Requests of this application's own that herd sends it, in each warm-up round of a new handler,
     * before the handler accepts clients ({@link WarmupRequest}); none by default: herd then warms
     * only its own path.
     */
    default List<WarmupRequest> warmup() {
        return List.of();
    }
}
