package dev.herd.handler.jdk;

import dev.herd.api.BodyTooLargeException;
import dev.herd.api.HandlerContext;
import dev.herd.handler.http.HttpCall;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An {@link HttpCall} that records how it was answered, in the pipeline's terms: a head and a whole
 * body, a head and a streamed body (cut if it ended short or failed after the head), or a failure
 * (413 for a body over the limit, else 500). It also checks that the service answers only once.
 */
final class FakeCall implements HttpCall {
    static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 40000);
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
    /** The connection's loop; its thread starts only for a test that runs something on it. */
    static final EventLoop LOOP = new DefaultEventLoop();
    private static final ThreadLocal<Boolean> OFF_LOOP = ThreadLocal.withInitial(() -> false);

    private final HttpRequest head;
    private final byte[] requestBody;
    private final long maxBody;
    private final CompletableFuture<FakeCall> ended = new CompletableFuture<>();
    private final List<String> violations = new ArrayList<>();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private volatile HttpResponse response;
    private volatile boolean streamed;
    private volatile long streamedLength;
    private volatile boolean cut;
    private volatile Throwable failure;
    private volatile boolean bodyAsked;

    private FakeCall(HttpRequest head, byte[] requestBody, long maxBody) {
        this.head = head;
        this.requestBody = requestBody;
        this.maxBody = maxBody;
    }

    static FakeCall request(String method, String uri, String... headers) {
        return withBody(method, uri, new byte[0], headers);
    }

    static FakeCall withBody(String method, String uri, byte[] body, String... headers) {
        return withBody(method, uri, body, Long.MAX_VALUE, headers);
    }

    static FakeCall withBody(String method, String uri, byte[] body, long maxBody, String... headers) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
        for (int i = 0; i < headers.length; i += 2) {
            head.headers().add(headers[i], headers[i + 1]);
        }
        return new FakeCall(head, body, maxBody);
    }

    /** Waits until the call is answered in full, failed or cut. */
    FakeCall await() {
        try {
            return ended.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the call was not ended: " + this, e);
        }
    }

    boolean isEnded() {
        return ended.isDone();
    }

    /** Waits up to {@code timeout} for the call to end; returns whether it did. */
    boolean endsWithin(java.time.Duration timeout) {
        try {
            ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The status the client saw: the head's, or what the pipeline answers for a failure. */
    int status() {
        if (response != null) {
            return response.status().code();
        }
        if (failure != null) {
            return failure instanceof BodyTooLargeException ? 413 : 500;
        }
        return -1;
    }

    String header(String name) {
        return response == null ? null : response.headers().get(name);
    }

    HttpResponse response() {
        return response;
    }

    String text() {
        return sent.toString(StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        return sent.toByteArray();
    }

    boolean streamed() {
        return streamed;
    }

    long streamedLength() {
        return streamedLength;
    }

    boolean cut() {
        return cut;
    }

    Throwable failure() {
        return failure;
    }

    boolean bodyAsked() {
        return bodyAsked;
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    @Override
    public HttpRequest head() {
        return head;
    }

    @Override
    public SocketAddress remoteAddress() {
        return REMOTE;
    }

    @Override
    public SocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public EventLoop loop() {
        return LOOP;
    }

    @Override
    public HandlerContext handler() {
        return new HandlerContext(4242, 0, 1, List.of());
    }

    @Override
    public long maxBody() {
        return maxBody;
    }

    @Override
    public ByteBuf body() {
        throw new IllegalStateException("streaming mode");
    }

    @Override
    public InputStream bodyStream() {
        bodyAsked = true;
        return new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int count) throws IOException {
                if (position >= requestBody.length) {
                    return -1;
                }
                if (position >= maxBody) {
                    throw new BodyTooLargeException(maxBody);
                }
                int n = (int) Math.min(Math.min(count, requestBody.length - position), maxBody - position);
                System.arraycopy(requestBody, position, bytes, offset, n);
                position += n;
                return n;
            }
        };
    }

    @Override
    public void respond(HttpResponse head, ByteBuf content) {
        answer(head);
        try {
            sent.writeBytes(ByteBufUtil.getBytes(content));
        } finally {
            content.release();
        }
        ended.complete(this);
    }

    @Override
    public void respondRegion(HttpResponse head, FileRegion region) {
        region.release();
        violation("a file response is not expected here");
    }

    @Override
    public OutputStream respondStreaming(HttpResponse head, long length) {
        answer(head);
        streamed = true;
        streamedLength = length;
        return new OutputStream() {
            private long count;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] bytes, int offset, int n) throws IOException {
                if (closed || cut) {
                    throw new IOException("stream closed");
                }
                if (length >= 0 && count + n > length) {
                    throw new IOException("past the length");
                }
                sent.write(bytes, offset, n);
                count += n;
            }

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                if (length >= 0 && count < length) {
                    cut = true;
                }
                ended.complete(FakeCall.this);
            }
        };
    }

    @Override
    public void fail(Throwable cause) {
        if (ended.isDone()) {
            violation("fail after the call ended: " + cause);
            return;
        }
        if (streamed) {
            cut = true;
        } else if (response != null) {
            violation("fail after a whole response");
        }
        failure = cause;
        ended.complete(this);
    }

    @Override
    public boolean answered() {
        return response != null || failure != null;
    }

    @Override
    public Runnable offLoop(Runnable task) {
        return () -> {
            OFF_LOOP.set(true);
            try {
                task.run();
            } finally {
                OFF_LOOP.set(false);
            }
        };
    }

    /** Whether the calling thread runs a task the service wrapped with {@link #offLoop}: its time counts for the loop. */
    static boolean counted() {
        return OFF_LOOP.get();
    }

    private void answer(HttpResponse head) {
        if (response != null || failure != null) {
            violation("answered twice: " + head.status());
            return;
        }
        response = head;
    }

    private void violation(String what) {
        synchronized (violations) {
            violations.add(what);
        }
    }

    @Override
    public String toString() {
        return head.method() + " " + head.uri() + " -> status " + status() + (streamed ? " streamed" : "")
                + (cut ? " cut" : "") + (failure != null ? " failure " + failure : "");
    }
}
