package dev.herd.handler.app;

import dev.herd.api.HandlerContext;
import dev.herd.api.Headers;
import dev.herd.api.Request;
import dev.herd.handler.http.HttpCall;
import dev.herd.handler.http.HttpService;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The API's {@link Request} over one {@link HttpCall}, or over a head alone (what
 * {@link dev.herd.api.HttpApp#streamsBody} is asked with, before there is a call).
 */
final class ApiRequest implements Request {
    private final HttpRequest head;
    private final HttpCall call;
    private final HttpService.BodyMode mode;
    private Headers headers;
    private byte[] body;
    private boolean streamTaken;

    ApiRequest(HttpCall call, HttpService.BodyMode mode) {
        this.head = call.head();
        this.call = call;
        this.mode = mode;
    }

    private ApiRequest(HttpRequest head) {
        this.head = head;
        this.call = null;
        this.mode = null;
    }

    /** The request as its head tells it: the methods that need the call (the body, the addresses) throw. */
    static ApiRequest headOnly(HttpRequest head) {
        return new ApiRequest(head);
    }

    private HttpRequest head() {
        return head;
    }

    private HttpCall call() {
        if (call == null) {
            throw new IllegalStateException("only the request's head is known here (HttpApp.streamsBody)");
        }
        return call;
    }

    @Override
    public String method() {
        return head().method().name();
    }

    @Override
    public String target() {
        return head().uri();
    }

    @Override
    public String version() {
        return head().protocolVersion().text();
    }

    @Override
    public Headers headers() {
        if (headers == null) {
            headers = new NettyHeaders(head().headers());
        }
        return headers;
    }

    @Override
    public long contentLength() {
        if (HttpUtil.isTransferEncodingChunked(head())) {
            return -1;
        }
        return Math.max(0, HttpUtil.getContentLength(head(), 0L));
    }

    @Override
    public byte[] body() {
        if (body == null) {
            if (mode == HttpService.BodyMode.WHOLE) {
                body = ByteBufUtil.getBytes(call().body());
            } else {
                if (streamTaken) {
                    throw new IllegalStateException("the body was read as a stream already");
                }
                streamTaken = true;
                try (InputStream in = call().bodyStream()) {
                    body = in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the request body: " + e.getMessage(), e);
                }
            }
        }
        return body;
    }

    @Override
    public InputStream bodyStream() {
        if (mode == HttpService.BodyMode.WHOLE || body != null) {
            return new ByteArrayInputStream(body());
        }
        if (streamTaken) {
            throw new IllegalStateException("the body was read already");
        }
        streamTaken = true;
        return call().bodyStream();
    }

    @Override
    public SocketAddress remoteAddress() {
        return call().remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return call().localAddress();
    }

    @Override
    public HandlerContext handler() {
        return call().handler();
    }

    @Override
    public Executor executor() {
        return call().loop();
    }

    @Override
    public CompletionStage<Void> after(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        call().loop().schedule(() -> done.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    @Override
    public String toString() {
        return method() + " " + target();
    }
}
