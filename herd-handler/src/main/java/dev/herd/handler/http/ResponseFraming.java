package dev.herd.handler.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;

/**
 * How a response is framed and whether its connection lives on (RFC 9112 §6 and §9.3): a pure
 * function of the request, the response's status and length, and the connection's state, so that
 * every combination is tested on its own ({@code ResponseFramingTest}).
 *
 * @param contentLength  the {@code Content-Length} to send, or -1 for none
 * @param chunked        whether the body is sent chunked
 * @param endsConnection whether the connection cannot carry another request after this response
 *                       (the service asked for it, the connection was to close already, or the
 *                       body is delimited by the end of the connection)
 * @param keptAlive      whether the response says the connection stays open
 */
public record ResponseFraming(long contentLength, boolean chunked, boolean endsConnection, boolean keptAlive) {

    /** What the request said that bears on its response's framing. */
    public record Asked(HttpVersion version, boolean head, boolean keepAlive) {
    }

    /**
     * @param status         the response's status code
     * @param length         the body's length, or -1 when unknown (streamed)
     * @param declaredLength the service's own {@code Content-Length} (0 when none): the length of
     *                       the body a HEAD request is answered without (RFC 9110 §9.3.2)
     * @param closeRequested the service said {@code Connection: close}, or the connection must end
     *                       after this response anyway (a refused body, a rejected request)
     * @param draining       the handler drains: no response promises another request
     */
    public static ResponseFraming of(Asked asked, int status, long length, long declaredLength,
                                     boolean closeRequested, boolean draining) {
        if (asked.head() && length == 0) {
            length = declaredLength;
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean ends = closeRequested;
        if (bodyAllowed(status)) {
            if (length >= 0) {
                contentLength = length;
            } else if (asked.version().equals(HttpVersion.HTTP_1_1)) {
                chunked = true;
            } else if (!asked.head()) {
                // HTTP/1.0 has no chunks: the end of the connection ends the body (RFC 9112 §6.3).
                ends = true;
            }
        }
        return new ResponseFraming(contentLength, chunked, ends, asked.keepAlive() && !ends && !draining);
    }

    /**
     * Sets the framing fields of {@code headers}, replacing the service's own
     * ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}).
     */
    public void applyTo(HttpHeaders headers, HttpVersion requestVersion) {
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        headers.remove(HttpHeaderNames.CONNECTION);
        if (contentLength >= 0) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        } else if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (!keptAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (requestVersion.equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** RFC 9110 §6.4.1: 1xx, 204 and 304 responses never carry content. */
    public static boolean bodyAllowed(int status) {
        return status >= 200 && status != 204 && status != 304;
    }

    /** The service's own {@code Content-Length}, 0 when it gave none or an invalid one. */
    static long declaredLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the service asked to end the connection after this response. */
    static boolean closeAsked(HttpHeaders headers) {
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
    }
}
