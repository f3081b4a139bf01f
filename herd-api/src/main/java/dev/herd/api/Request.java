package dev.herd.api;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One HTTP request, as herd received it. Its methods may be called from the thread that
 * handles the request; the body is read once (by {@link #body}, {@link #bodyText} or
 * {@link #bodyStream}).
 */
public interface Request {

    /** The method as sent, e.g. {@code GET}, {@code HEAD}, {@code POST}. */
    String method();

    /** The request target as sent: path and query, still percent-encoded. */
    String target();

    /** The version as sent on the request line: {@code HTTP/1.1} or {@code HTTP/1.0}. */
    String version();

    /** The path of the target, percent-decoded as UTF-8 ({@code /a%20b} is {@code /a b}). */
    default String path() {
        return Targets.decode(rawPath(), false);
    }

    /** The path of the target as sent, still percent-encoded. */
    default String rawPath() {
        return Targets.rawPath(target());
    }

    /** The query of the target as sent (without {@code ?}), if there is one. */
    default Optional<String> rawQuery() {
        return Targets.rawQuery(target());
    }

    /** The first value of query parameter {@code name}, decoded ({@code +} is a space). */
    default Optional<String> query(String name) {
        List<String> values = queryParameters().get(name);
        return values == null ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** Every value of query parameter {@code name}, in order. */
    default List<String> queryAll(String name) {
        return queryParameters().getOrDefault(name, List.of());
    }

    /** Every query parameter with its values, in order of first appearance, decoded. */
    default Map<String, List<String>> queryParameters() {
        return Targets.parameters(rawQuery().orElse(""));
    }

    /** The header fields. */
    Headers headers();

    /** The first value of header {@code name}. */
    default Optional<String> header(String name) {
        return headers().first(name);
    }

    /** The declared length of the body: {@code Content-Length}, 0 without a body, -1 when chunked. */
    long contentLength();

    /**
     * The whole body. On a virtual thread this waits for it to arrive.
     *
     * @throws UncheckedIOException when it cannot be read: the client went away, or the body is
     *                              over {@code --max-body} (its cause is then a
     *                              {@link BodyTooLargeException} and herd answers 413)
     */
    byte[] body();

    /** The whole body as text, in the charset of its Content-Type (UTF-8 when none is given). */
    default String bodyText() {
        Charset charset = header("Content-Type").flatMap(Targets::charset).orElse(java.nio.charset.StandardCharsets.UTF_8);
        return new String(body(), charset);
    }

    /**
     * The body as a stream, read as it arrives: an application on a virtual thread can handle
     * bodies larger than it wants to hold. A read past {@code --max-body} throws
     * {@link BodyTooLargeException}.
     */
    InputStream bodyStream();

    /** The client's address: an {@code InetSocketAddress}, or a Unix-domain address. */
    SocketAddress remoteAddress();

    /** The address the client connected to. */
    SocketAddress localAddress();

    /** The handler process serving this request. */
    HandlerContext handler();

    /**
     * Runs tasks on the event loop of this request's connection: for an {@link AsyncHttpApp}
     * that completes its answer later. Never block in such a task.
     */
    Executor executor();

    /**
     * A stage completed on the event loop of this request's connection once {@code delay} has
     * passed, blocking nothing meanwhile: for an {@link AsyncHttpApp} that answers later.
     */
    CompletionStage<Void> after(Duration delay);
}
