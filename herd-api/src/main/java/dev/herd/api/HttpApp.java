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
     * Whether {@link #handle} reads this request's body as it arrives. By default (false) herd
     * receives the whole body before {@code handle} runs, in memory up to
     * {@code --request-buffer-memory} and in a temporary file beyond it: a client that sends slowly
     * then holds a connection, never this application's thread or whatever it holds (a database
     * connection, a permit). An application that streams large uploads on purpose answers true for
     * them: {@code handle} then runs as soon as the head has arrived, and
     * {@link Request#bodyStream()} blocks until the bytes come.
     *
     * <p>Called on the event loop with the request's head only (its body methods throw), for
     * {@link Dispatch#VIRTUAL_THREAD} applications; it must answer at once and never block. On the
     * event loop a body always arrives whole, and {@code --request-buffering off} streams every body.
     */
    default boolean streamsBody(Request request) {
        return false;
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
