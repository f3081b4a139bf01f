package dev.herd.api;

import java.util.List;

/**
 * An HTTP application: one request in, one response out.
 *
 * <p>{@link #handle} runs where {@link #dispatch()} says: on a virtual thread per request by
 * default, so it may block; on the event loop only when the application declares
 * {@link Dispatch#EVENT_LOOP}. An exception thrown by {@code handle} answers that request with
 * 500, is logged with its stack trace, and the handler keeps serving.
 *
 * <pre>{@code
 * public final class Hello implements HttpApp {
 *     public Response handle(Request request) {
 *         return Response.text("Hello, " + request.query("name").orElse("World") + "!");
 *     }
 *
 *     public Dispatch dispatch() {
 *         return Dispatch.EVENT_LOOP; // never blocks
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface HttpApp extends App {

    /** Answers one request. HEAD requests arrive as HEAD; herd sends no body for them. */
    Response handle(Request request) throws Exception;

    /** Where {@link #handle} runs; {@link Dispatch#VIRTUAL_THREAD} unless overridden. */
    default Dispatch dispatch() {
        return Dispatch.VIRTUAL_THREAD;
    }

    /**
     * Requests of this application's own that herd sends it, in each warm-up round of a new handler,
     * before the handler accepts clients ({@link WarmupRequest}); none by default: herd then warms
     * only its own path.
     */
    default List<WarmupRequest> warmup() {
        return List.of();
    }
}
