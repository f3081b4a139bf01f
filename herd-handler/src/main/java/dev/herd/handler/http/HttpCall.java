package dev.herd.handler.http;

import dev.herd.api.HandlerContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;

/**
 * One request and its response, between the HTTP pipeline and an {@link HttpService}.
 *
 * <p>Exactly one of {@link #respond}, {@link #respondFile}, {@link #respondRegion},
 * {@link #respondStreaming} or {@link #fail} answers the call, once, from any thread; answering
 * twice throws, except after the pipeline answered a client's error itself (400, 408, 413 while a
 * body streams), when the service's answer is dropped. The response head carries the status, the
 * version is the pipeline's business, and so are {@code Date}, {@code Content-Length},
 * {@code Transfer-Encoding} and {@code Connection}: the pipeline sets them (replacing a service's
 * own). For a HEAD request the pipeline sends the head only, with the length the body would have
 * had.
 */
public interface HttpCall {

    /** The request line and headers as received (a HEAD request stays HEAD). */
    HttpRequest head();

    SocketAddress remoteAddress();

    SocketAddress localAddress();

    /** The event loop of the connection. */
    EventLoop loop();

    /** The handler process serving this call. */
    HandlerContext handler();

    /** The largest body the pipeline accepts ({@code --max-body}). */
    long maxBody();

    /**
     * In {@link HttpService.BodyMode#WHOLE} mode: the whole body, empty when there is none. The
     * call owns it and releases it once answered; a service that keeps it longer retains it.
     *
     * @throws IllegalStateException in streaming mode
     */
    ByteBuf body();

    /**
     * In {@link HttpService.BodyMode#BUFFERED} mode: the body received whole, read without waiting
     * (a new stream from its first byte at each call). In {@link HttpService.BodyMode#STREAM} mode:
     * the body as it arrives; {@code read} blocks, so it must not be called on an event loop. Past
     * {@link #maxBody()} it throws {@link dev.herd.api.BodyTooLargeException}; if the client goes
     * away or breaks the body's framing, an {@code IOException} (the client was answered already:
     * 413 or 400). What the service leaves unread is discarded by the pipeline after the response.
     *
     * @throws IllegalStateException in whole mode
     */
    InputStream bodyStream();

    /** Answers with a head and a body known in full (the call takes ownership of {@code body}). */
    void respond(HttpResponse head, ByteBuf body);

    /**
     * Answers with {@code length} bytes of an open file from {@code offset}, sent zero-copy; the
     * pipeline closes the file once written (or if the connection closes first).
     */
    default void respondFile(HttpResponse head, FileChannel file, long offset, long length) {
        respondRegion(head, new DefaultFileRegion(file, offset, length));
    }

    /**
     * Answers with a region of a file, sent zero-copy; the pipeline releases the region once
     * written (or if the connection closes first). A {@link DefaultFileRegion} goes out with
     * {@code sendfile} on either transport, a subclass too: one whose file several responses send
     * from at once overrides {@code deallocate} to let go of its share instead of closing the file.
     */
    void respondRegion(HttpResponse head, FileRegion region);

    /**
     * Answers with a head now and a body written as it is produced, from a thread that may block
     * (never an event loop): writes block while the client does not keep up, {@code close()} ends
     * the body. With {@code length >= 0} the body must be exactly that long ({@code Content-Length});
     * with -1 it is chunked on HTTP/1.1 and delimited by closing the connection on HTTP/1.0.
     * Writing past the length throws an {@code IOException}; closing short of it cuts the connection.
     */
    OutputStream respondStreaming(HttpResponse head, long length);

    /**
     * The service could not answer: 413 for a {@link dev.herd.api.BodyTooLargeException}, else 500
     * (logged with the stack trace). After a streamed head was sent, the connection is cut instead,
     * so that the client never takes a partial body for a whole one. After the pipeline answered
     * the client's own error (a broken or oversized body, a body too slow), it is ignored.
     */
    void fail(Throwable cause);

    /** Whether a response head was handed over already (by any of the methods above). */
    boolean answered();

    /**
     * {@code task}, which runs this call's application code on another thread (code that may
     * block), wrapped so that its running time counts as work of the connection's event loop: the
     * spawner sees a loop whose blocking calls keep threads busy as busy, however little the loop
     * itself does. Asynchronous work that keeps no thread busy is not wrapped.
     */
    Runnable offLoop(Runnable task);
}
