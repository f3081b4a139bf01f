package dev.herd.examples.testing;

import dev.herd.api.HandlerContext;
import dev.herd.api.Headers;
import dev.herd.api.Request;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A request made up in memory, for calling an application's {@code handle} in a unit test the way
 * a handler would: the body is whole, and the "event loop" runs tasks on the calling thread.
 */
public record FakeRequest(String method, String target, Headers headers, byte[] content, HandlerContext handler)
        implements Request {

    /** The handler a fake request claims to be served by. */
    public static final HandlerContext HANDLER = new HandlerContext(4242, 3, 7, List.of());

    /** {@code method target} without a body. */
    public static FakeRequest of(String method, String target) {
        return new FakeRequest(method, target, Headers.empty(), new byte[0], HANDLER);
    }

    public static FakeRequest get(String target) {
        return of("GET", target);
    }

    /** {@code POST target} with {@code text} encoded as UTF-8, of media type {@code contentType}. */
    public static FakeRequest post(String target, String contentType, String text) {
        return new FakeRequest("POST", target, Headers.of("Content-Type", contentType),
                text.getBytes(StandardCharsets.UTF_8), HANDLER);
    }

    @Override
    public String version() {
        return "HTTP/1.1";
    }

    @Override
    public long contentLength() {
        return content.length;
    }

    @Override
    public byte[] body() {
        return content.clone();
    }

    @Override
    public InputStream bodyStream() {
        return new ByteArrayInputStream(content);
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    }

    @Override
    public SocketAddress localAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    }

    @Override
    public Executor executor() {
        return Runnable::run;
    }

    /** Completes at once: the examples' tests do not wait. */
    @Override
    public CompletionStage<Void> after(Duration delay) {
        return CompletableFuture.completedFuture(null);
    }
}
