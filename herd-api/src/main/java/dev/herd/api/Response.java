package dev.herd.api;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP response: a status, header fields and a {@link Body}. Immutable: the {@code with...}
 * methods return a new response, so a constant response can be shared by every request.
 *
 * <p>herd adds {@code Date}, {@code Content-Length} (or chunked framing for a stream of unknown
 * length) and {@code Connection} itself; an application's own {@code Content-Length},
 * {@code Transfer-Encoding} or {@code Connection} field is replaced by herd's.
 */
public final class Response {
    private static final String TEXT = "text/plain; charset=utf-8";

    private final int status;
    private final Headers headers;
    private final Body body;

    private Response(int status, Headers headers, Body body) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be a final status from 200 to 599, not " + status);
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
    }

    /** A response with this status, no header fields and no body. */
    public static Response status(int status) {
        return new Response(status, Headers.empty(), new Body.Empty());
    }

    /** 200 with {@code text} as UTF-8 {@code text/plain}. */
    public static Response text(String text) {
        return text(200, text);
    }

    /** {@code status} with {@code text} as UTF-8 {@code text/plain}. */
    public static Response text(int status, String text) {
        return bytes(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code status} with {@code text} encoded in {@code charset}, of media type {@code type}. */
    public static Response text(int status, String type, String text, Charset charset) {
        return bytes(status, type + "; charset=" + charset.name().toLowerCase(java.util.Locale.ROOT),
                text.getBytes(charset));
    }

    /** 200 with a JSON document (UTF-8). */
    public static Response json(String json) {
        return json(200, json);
    }

    /** {@code status} with a JSON document (UTF-8). */
    public static Response json(int status, String json) {
        return bytes(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code status} with these bytes, of media type {@code contentType}. The array must not change afterwards. */
    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, Headers.of("Content-Type", contentType), new Body.Bytes(body));
    }

    /** 200 with a whole file, sent zero-copy. */
    public static Response file(Path file, String contentType) {
        return new Response(200, Headers.of("Content-Type", contentType), new Body.File(file, 0, -1));
    }

    /** {@code status} with a body written as it is produced, of unknown length (chunked on HTTP/1.1). */
    public static Response stream(int status, String contentType, BodyWriter writer) {
        return new Response(status, Headers.of("Content-Type", contentType), new Body.Streamed(-1, writer));
    }

    /** The status code, 200 to 599. */
    public int status() {
        return status;
    }

    /** The header fields the application set (herd adds the framing and connection ones). */
    public Headers headers() {
        return headers;
    }

    /** What follows the head. */
    public Body body() {
        return body;
    }

    /** The Content-Type field, if set. */
    public Optional<String> contentType() {
        return headers.first("Content-Type");
    }

    /**
     * This response with another status.
     *
     * @throws IllegalArgumentException for a status outside 200..599
     */
    public Response withStatus(int status) {
        return new Response(status, headers, body);
    }

    /**
     * This response with one more header field (a name may repeat, e.g. {@code Set-Cookie}).
     *
     * @throws IllegalArgumentException for a name that is not a token or a value with CR, LF or NUL
     */
    public Response withHeader(String name, String value) {
        return new Response(status, headers.with(name, value), body);
    }

    /** This response with {@code name} set to this one value, replacing any it had. */
    public Response replacingHeader(String name, String value) {
        return new Response(status, headers.replacing(name, value), body);
    }

    /** This response with another body; the header fields stay. */
    public Response withBody(Body body) {
        return new Response(status, headers, body);
    }

    @Override
    public String toString() {
        return "Response[" + status + ", " + headers + ", " + body.getClass().getSimpleName() + "]";
    }
}
