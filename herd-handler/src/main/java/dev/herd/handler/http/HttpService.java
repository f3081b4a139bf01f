package dev.herd.handler.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * What the HTTP pipeline serves: the herd API adapter, static files, the JDK HttpServer adapter,
 * or a mount of several. One instance serves every connection of a handler, from every loop.
 *
 * <p>The pipeline owns HTTP/1.1 itself: request order, keep-alive, {@code Date},
 * {@code Content-Length} or chunked framing, {@code Connection}, no body for HEAD, 1xx/204/304,
 * limits (413 for a body over {@code --max-body}), draining. A service only answers.
 */
public interface HttpService {

    /** How a request's body reaches the service. */
    enum BodyMode {
        /**
         * {@link #serve} is called once the whole body has arrived ({@link HttpCall#body()}): for
         * code on the event loop, which must not wait for bytes.
         */
        WHOLE,
        /**
         * {@link #serve} is called once the whole body has arrived (in memory up to
         * {@code --request-buffer-memory}, beyond it in a temporary file), and the body is read
         * through {@link HttpCall#bodyStream()}, which never waits: for code on other threads,
         * which may block, so that a client sending slowly holds a connection and never a thread.
         * With {@code --request-buffering off} the pipeline streams it instead ({@link #STREAM}).
         */
        BUFFERED,
        /**
         * {@link #serve} is called as soon as the head has arrived, and the body is read as it
         * comes through {@link HttpCall#bodyStream()}: for code on other threads, which may block,
         * and that streams large bodies on purpose.
         */
        STREAM
    }

    /** Called on the event loop with the head of each request, before {@link #serve}. */
    BodyMode bodyMode(HttpRequest head);

    /**
     * Serves one request. Called on the connection's event loop, one request of a connection at a
     * time, in order; it may answer at once or hand the call to another thread that answers later.
     * An exception thrown here answers 500 (logged with its stack trace).
     */
    void serve(HttpCall call) throws Exception;

    /** The handler starts to drain: it accepts no more connections. Called once, on no loop. */
    default void drain() {
    }
}
