package dev.herd.handler.http;

import dev.herd.handler.bridge.InboundStream;
import dev.herd.handler.bridge.WaterMarks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where the body of one request goes as it arrives, as its service's {@link HttpService.BodyMode}
 * says: gathered whole ({@link ReceivedBody}, in memory and then in a file) for a call made once it
 * has arrived, streamed to the service's reader ({@link InboundStream}), or dropped (before the
 * service took the request, or once the exchange was answered without it). It counts the bytes
 * against {@code --max-body} and says what each piece means for the exchange ({@link Step}); the
 * exchange decides what to answer. On the loop, but for the service's reads.
 */
final class RequestIntake {

    /** What a piece of the body means for the exchange. */
    enum Step {
        /** More is to come. */
        MORE,
        /** The last piece arrived: the body is complete. */
        COMPLETE,
        /** The body went past {@code --max-body} with this piece; what comes after is dropped. */
        OVER_LIMIT,
        /** The client broke the body's framing ({@link #problem()}); nothing more comes. */
        BROKEN,
        /** A gathered body could not be kept (its file could not be written, {@link #problem()}). */
        NOT_KEPT
    }

    private enum Where { DROPPED, GATHERED, STREAMED }

    private final long maxBody;
    private Where where = Where.DROPPED;
    private ByteBufAllocator alloc;
    private long memoryBound;
    private Path spillDirectory;
    private BodyMemory shared;
    /** The body gathered so far; made at its first byte, so a request without one costs nothing. */
    private ReceivedBody received;
    private InboundStream stream;
    private long bytes;
    private boolean complete;
    private boolean overLimit;
    private Throwable problem;
    /** When the body began to arrive, moved on by the time herd itself did not read it (the loop's ticker). */
    private long since;

    RequestIntake(long maxBody, long nowNanos) {
        this.maxBody = maxBody;
        this.since = nowNanos;
    }

    /**
     * The body is kept whole: in memory up to {@code memoryBound} bytes and while the handler's
     * {@code shared} budget lasts, then in a file in {@code spillDirectory}; with no budget, always
     * in memory (bounded by {@code --max-body}).
     */
    void gather(ByteBufAllocator alloc, long memoryBound, Path spillDirectory, BodyMemory shared) {
        this.where = Where.GATHERED;
        this.alloc = alloc;
        this.memoryBound = memoryBound;
        this.spillDirectory = spillDirectory;
        this.shared = shared;
    }

    /**
     * The body streams to the service's reader; the loop stops reading past the high mark, and
     * {@code resume} runs (on the reader's thread) once the reader caught up.
     */
    void stream(WaterMarks marks, Runnable resume) {
        this.where = Where.STREAMED;
        this.stream = new InboundStream(marks, resume);
    }

    /** Takes a piece of the body from the codec, and ownership of it. */
    Step take(HttpContent content) {
        try {
            if (!content.decoderResult().isSuccess()) {
                problem = content.decoderResult().cause();
                drop();
                return Step.BROKEN;
            }
            ByteBuf piece = content.content();
            bytes += piece.readableBytes();
            if (bytes > maxBody && !overLimit) {
                overLimit = true;
                drop();
                return Step.OVER_LIMIT;
            }
            switch (where) {
                case STREAMED -> stream.offer(piece.retain());
                case GATHERED -> {
                    if (piece.isReadable()) {
                        if (received == null) {
                            received = new ReceivedBody(alloc, memoryBound, spillDirectory, shared);
                        }
                        received.add(piece.retain());
                    }
                }
                case DROPPED -> {
                    // Refused, or answered without its body.
                }
            }
        } catch (IOException e) {
            problem = e;
            drop();
            return Step.NOT_KEPT;
        } finally {
            content.release();
        }
        if (content instanceof LastHttpContent) {
            complete = true;
            if (where == Where.STREAMED) {
                stream.end();
            }
            return Step.COMPLETE;
        }
        return Step.MORE;
    }

    /**
     * What is left of the body is dropped as it comes (the exchange was answered without it): no
     * call is made for a gathered body, and a streamed body's reader gets no more.
     */
    void drop() {
        where = Where.DROPPED;
    }

    /** A streamed body's reader fails with {@code cause} at once (the exchange was answered). */
    void failReader(IOException cause) {
        if (stream != null) {
            stream.fail(cause, true);
        }
    }

    /** The response is out: what the service left unread of a streamed body is dropped as it comes. */
    void readerDone() {
        if (stream != null) {
            stream.stopReading();
        }
    }

    /** Whether the body was gathered, and a call is to be made once it is complete. */
    boolean gathered() {
        return where == Where.GATHERED;
    }

    boolean complete() {
        return complete;
    }

    /** Why the body broke or was not kept. */
    Throwable problem() {
        return problem;
    }

    /** Body bytes received so far. */
    long bytes() {
        return bytes;
    }

    long since() {
        return since;
    }

    /** herd did not read the socket for {@code nanos} (its own backpressure): not the client's delay. */
    void notReadFor(long nanos) {
        since += nanos;
    }

    /** Whether a streamed body's reader is behind: more than its high-water mark waits for it. */
    boolean streamPaused() {
        return stream != null && stream.paused();
    }

    /** The gathered body in memory (empty when there was none). */
    ByteBuf whole() {
        return received != null ? received.bytes() : Unpooled.EMPTY_BUFFER;
    }

    /** The body as a stream: the streamed one, or a new one over the gathered body. */
    InputStream stream() {
        if (stream != null) {
            return stream;
        }
        return received != null ? received.stream() : InputStream.nullInputStream();
    }

    /** The exchange is over: a gathered body's memory is freed and its file removed. */
    void release() throws IOException {
        if (received != null) {
            received.release();
        }
    }
}
