package dev.herd.handler.files;

import dev.herd.api.HandlerContext;
import dev.herd.handler.http.HttpCall;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
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
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An {@link HttpCall} that records its one answer: the head, and the body bytes, whether they
 * came as a buffer or as a file region (read here, then released as the pipeline releases it).
 */
final class RecordingCall implements HttpCall {
    private final HttpRequest request;
    private HttpResponse response;
    private byte[] body;
    private long fileOffset = -1;
    private boolean fileWasOpen;
    private boolean holding;
    private FileRegion held;

    RecordingCall(String method, String uri, Map<String, String> headers) {
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
        headers.forEach(request.headers()::add);
    }

    static RecordingCall get(String uri) {
        return new RecordingCall("GET", uri, Map.of());
    }

    /** A GET whose file region, if it gets one, stays unsent until {@link #finishSending()}: a slow client. */
    static RecordingCall holding(String uri) {
        RecordingCall call = get(uri);
        call.holding = true;
        return call;
    }

    HttpResponse response() {
        if (response == null) {
            throw new AssertionError("the call was not answered");
        }
        return response;
    }

    int status() {
        return response().status().code();
    }

    String header(CharSequence name) {
        return response().headers().get(name);
    }

    /** The body sent: the buffer, or the bytes of the file region. */
    byte[] sent() {
        response();
        return body;
    }

    String text() {
        return new String(sent(), StandardCharsets.UTF_8);
    }

    /** Whether the body came as a file region (and the file was open when handed over). */
    boolean fromFile() {
        return fileOffset >= 0 && fileWasOpen;
    }

    long fileOffset() {
        return fileOffset;
    }

    @Override
    public HttpRequest head() {
        return request;
    }

    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    @Override
    public SocketAddress localAddress() {
        return null;
    }

    @Override
    public EventLoop loop() {
        throw new UnsupportedOperationException();
    }

    @Override
    public HandlerContext handler() {
        throw new UnsupportedOperationException();
    }

    @Override
    public long maxBody() {
        return 0;
    }

    @Override
    public ByteBuf body() {
        return Unpooled.EMPTY_BUFFER;
    }

    @Override
    public InputStream bodyStream() {
        throw new IllegalStateException("whole mode");
    }

    @Override
    public void respond(HttpResponse head, ByteBuf content) {
        answer(head);
        body = ByteBufUtil.getBytes(content);
        content.release();
    }

    @Override
    public void respondRegion(HttpResponse head, FileRegion region) {
        answer(head);
        fileOffset = region.position();
        fileWasOpen = region instanceof DefaultFileRegion file && file.isOpen();
        held = region;
        if (!holding) {
            finishSending();
        }
    }

    /**
     * Sends the file region held back (see {@link #holding}): its bytes are read, then it is
     * released as the pipeline releases a region once written.
     */
    byte[] finishSending() {
        FileRegion region = held;
        held = null;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            WritableByteChannel sink = Channels.newChannel(out);
            for (long sent = 0; sent < region.count(); ) {
                long n = region.transferTo(sink, sent);
                if (n <= 0) {
                    throw new AssertionError("a file region past the end of the file");
                }
                sent += n;
            }
            body = out.toByteArray();
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            region.release();
        }
    }

    @Override
    public OutputStream respondStreaming(HttpResponse head, long length) {
        throw new UnsupportedOperationException("static files never stream");
    }

    @Override
    public void fail(Throwable cause) {
        throw new AssertionError("the service failed the call", cause);
    }

    @Override
    public boolean answered() {
        return response != null;
    }

    @Override
    public Runnable offLoop(Runnable task) {
        return task;
    }

    private void answer(HttpResponse head) {
        if (response != null) {
            throw new AssertionError("answered twice");
        }
        response = head;
    }
}
