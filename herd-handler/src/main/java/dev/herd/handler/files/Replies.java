package dev.herd.handler.files;

import dev.herd.handler.http.HttpCall;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * Answers without a file: a status with its reason phrase as a short text body. The body never
 * names a file-system path, so that an error tells a client nothing about the server's disk.
 */
final class Replies {
    private static final String TEXT = "text/plain; charset=utf-8";

    private Replies() {
    }

    /** A response head of {@code status}; the version is the pipeline's to set. */
    static HttpResponse head(HttpResponseStatus status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    }

    static void text(HttpCall call, HttpResponseStatus status) {
        text(call, head(status));
    }

    /** Answers {@code head} with its reason phrase as the body. */
    static void text(HttpCall call, HttpResponse head) {
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT);
        byte[] body = (head.status().reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
        call.respond(head, Unpooled.wrappedBuffer(body));
    }
}
