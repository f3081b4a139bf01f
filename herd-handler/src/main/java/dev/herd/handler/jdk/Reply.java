package dev.herd.handler.jdk;

import com.sun.net.httpserver.Headers;
import dev.herd.api.BodyTooLargeException;
import dev.herd.handler.http.HttpCall;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The response side of one exchange: turns the JDK's {@code sendResponseHeaders} and response
 * stream into exactly one answer of an {@link HttpCall}.
 *
 * <p>Framing follows {@code HttpExchange.sendResponseHeaders}: a negative length means no body, 0 a
 * body of unknown length, N exactly N bytes; HEAD, 1xx, 204 and 304 never carry one. The body is
 * collected in a buffer of {@link #BUFFER} bytes: a body that fits (a fixed length up to the
 * buffer, or a body of unknown length closed before the buffer filled) is answered in one piece with
 * {@link HttpCall#respond}, the cheapest path of the pipeline; a larger body, or one the program
 * flushes, is streamed with {@link HttpCall#respondStreaming}. A fixed-length body is answered as
 * soon as its last byte is written, so a program that forgets {@code close()} still answers.
 *
 * <p>Program threads work under {@link #lock}, and a streaming write may block in it while the
 * client is slow. {@link #abort} (a stopping server) and {@link #abandon} (the exchange became
 * unreachable) come from other threads; {@link #ended} makes sure the call is answered once
 * whoever gets there first.
 *
 * <p>Nothing here may refer to the exchange or its response stream: the exchange's cleaner holds
 * this object, and any path back would keep the exchange reachable forever.
 */
final class Reply {
    private static final System.Logger LOG = System.getLogger(Reply.class.getName());
    /** Response bytes held before the head goes to the pipeline, and batched while streaming. */
    static final int BUFFER = 32 * 1024;
    private static final int FIRST_BUFFER = 1024;

    private enum Phase { NO_HEAD, BODY, DONE }

    private final HttpCall call;
    private final HerdHttpServer server;
    private final RequestBody request;
    private final boolean headRequest;
    /** "GET /path", for log lines. */
    private final String label;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();

    private volatile int code = -1;
    private volatile Phase phase = Phase.NO_HEAD;
    private volatile boolean streaming;
    /** Set when herd, not the program, ended the exchange. */
    private volatile boolean aborted;
    private volatile Throwable endedBy;
    private volatile Cleaner.Cleanable cleanable;

    // Guarded by lock.
    private HttpResponse head;
    /** The declared body length, or -1 when unknown (chunked). */
    private long length;
    private long written;
    private byte[] buffer;
    private int buffered;
    private OutputStream wire;

    Reply(HttpCall call, HerdHttpServer server, RequestBody request, boolean headRequest, String label) {
        this.call = call;
        this.server = server;
        this.request = request;
        this.headRequest = headRequest;
        this.label = label;
    }

    /** Completes once the call is answered in full, failed or cut. */
    CompletionStage<Void> done() {
        return done;
    }

    int code() {
        return code;
    }

    boolean headSent() {
        return phase != Phase.NO_HEAD;
    }

    String label() {
        return label;
    }

    /** The cleaner registration of the exchange, dropped once the reply ends. */
    void watchedBy(Cleaner.Cleanable registration) {
        cleanable = registration;
        if (done.isDone()) {
            registration.clean();
        }
    }

    /** {@code HttpExchange.sendResponseHeaders}. */
    void sendHead(int status, long declared, Headers headers) throws IOException {
        lock.lock();
        try {
            if (phase == Phase.DONE && aborted) {
                throw new IOException("exchange already ended by herd: its server stopped");
            }
            if (phase != Phase.NO_HEAD) {
                throw new IOException("headers already sent");
            }
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("response code " + status + " is not a three-digit HTTP status");
            }
            boolean noBodyStatus = status < 200 || status == 204 || status == 304;
            if (declared >= 0 && (noBodyStatus || headRequest)) {
                server.warnBodyLengthIgnored(label, status, declared);
            }
            HttpResponse response = head(status, headers);
            code = status;
            if (noBodyStatus || headRequest || declared < 0) {
                phase = Phase.DONE;
                if (end(null)) {
                    call.respond(response, Unpooled.EMPTY_BUFFER);
                }
                request.close();
                finish();
                return;
            }
            head = response;
            length = declared == 0 ? -1 : declared;
            phase = Phase.BODY;
        } finally {
            lock.unlock();
        }
    }

    void write(byte[] bytes, int offset, int count) throws IOException {
        Objects.checkFromIndexSize(offset, count, bytes.length);
        if (count == 0) {
            return;
        }
        lock.lock();
        try {
            requireBody();
            if (length >= 0 && count > length - written) {
                // As the JDK: the stream stays open, the caller may write less.
                throw new IOException("too many bytes to write to stream");
            }
            written += count;
            if (!streaming && length >= 0 && length <= BUFFER) {
                append(bytes, offset, count);
                if (written == length) {
                    respondWhole();
                }
                return;
            }
            if (buffered + count > BUFFER) {
                drain();
                if (count >= BUFFER) {
                    wire.write(bytes, offset, count);
                } else {
                    append(bytes, offset, count);
                }
            } else {
                append(bytes, offset, count);
            }
            if (written == length) {
                drain();
                endStream();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Pushes what was written to the client, as the JDK's streams do: the head goes out now. */
    void flush() throws IOException {
        lock.lock();
        try {
            if (phase == Phase.DONE) {
                return;
            }
            requireBody();
            drain();
            wire.flush();
        } finally {
            lock.unlock();
        }
    }

    /** Closing the response body ends the exchange; short of a fixed length it cuts the connection. */
    void close() throws IOException {
        lock.lock();
        try {
            if (phase == Phase.DONE) {
                request.close();
                return;
            }
            requireBody();
            request.close();
            if (length >= 0 && written < length) {
                IOException shortBody = new IOException("insufficient bytes written to stream");
                LOG.log(WARNING, label + ": response body closed after " + written + " of " + length
                        + " bytes; the connection is cut");
                cut(shortBody);
                throw shortBody;
            }
            if (!streaming) {
                respondWhole();
            } else {
                drain();
                endStream();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The program failed this exchange (its handler threw): 500, or 413 for a body over the limit,
     * if no head went out yet; a cut connection if one did.
     */
    void fail(Throwable cause) {
        lock.lock();
        try {
            boolean wasStreaming = streaming;
            phase = Phase.DONE;
            if (!end(cause)) {
                afterEnd(cause);
                return;
            }
            dropBody();
            if (wasStreaming) {
                LOG.log(ERROR, label + ": the handler failed after its response had started; the connection is cut",
                        cause);
            }
            call.fail(bodyTooLarge(cause));
        } finally {
            lock.unlock();
            request.close();
            finish();
        }
    }

    /** The program closed the exchange without a head: there is no answer, so the client gets 500. */
    void closedWithoutHead() {
        fail(new IllegalStateException(label + ": the exchange was closed before sendResponseHeaders"));
    }

    /**
     * Ends the exchange from a thread that is not the program's (its server stopped): 500 if no
     * head went out, else the connection is cut. A program thread blocked in a streaming write holds
     * the lock; cutting the call then is what unblocks it.
     */
    void abort(String why) {
        aborted = true;
        IllegalStateException cause = new EndedByHerd(label + ": " + why);
        while (!ended.get()) {
            boolean locked;
            try {
                locked = lock.tryLock(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                locked = false;
            }
            if (locked) {
                try {
                    phase = Phase.DONE;
                    if (end(cause)) {
                        dropBody();
                        call.fail(cause);
                    }
                } finally {
                    lock.unlock();
                }
            } else if (streaming && end(cause)) {
                call.fail(cause);
            }
            if (locked || Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        if (ended.get()) {
            request.close();
            finish();
        }
    }

    /**
     * Run by the cleaner once nothing can reach the exchange any more: no program code can end it
     * now, so herd does, instead of leaving the client waiting for ever.
     */
    void abandon() {
        if (ended.get()) {
            return;
        }
        LOG.log(WARNING, label + ": the handler never closed its exchange and nothing refers to it any more;"
                + " herd ends it (500 if no response had started, else the connection is cut)");
        abort("the exchange was dropped without being closed");
    }

    private void requireBody() throws IOException {
        switch (phase) {
            case NO_HEAD -> throw new IOException("response headers not sent yet");
            case DONE -> throw new IOException("stream closed");
            case BODY -> {
            }
        }
    }

    private void append(byte[] bytes, int offset, int count) {
        int needed = buffered + count;
        if (buffer == null || buffer.length < needed) {
            int limit = length >= 0 && length <= BUFFER ? (int) length : BUFFER;
            int grown = buffer == null ? Math.min(limit, Math.max(FIRST_BUFFER, needed))
                    : Math.min(limit, Math.max(needed, buffer.length * 2));
            byte[] larger = new byte[grown];
            if (buffer != null) {
                System.arraycopy(buffer, 0, larger, 0, buffered);
            }
            buffer = larger;
        }
        System.arraycopy(bytes, offset, buffer, buffered, count);
        buffered = needed;
    }

    /** Hands the head over as a stream (once) and writes what the buffer holds. */
    private void drain() throws IOException {
        if (!streaming) {
            if (ended.get()) {
                throw new IOException("stream closed");
            }
            wire = call.respondStreaming(head, length);
            head = null;
            streaming = true;
        }
        if (buffered > 0) {
            wire.write(buffer, 0, buffered);
            buffered = 0;
        }
    }

    private void respondWhole() {
        ByteBuf body = buffered == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(buffer, 0, buffered);
        HttpResponse response = head;
        dropBody();
        phase = Phase.DONE;
        if (end(null)) {
            call.respond(response, body);
        }
        finish();
    }

    private void endStream() throws IOException {
        phase = Phase.DONE;
        try {
            if (end(null)) {
                wire.close();
            }
        } finally {
            finish();
        }
    }

    /** The body is short of its declared length: the client must not take it for a whole one. */
    private void cut(IOException cause) throws IOException {
        if (!streaming && !ended.get()) {
            // The head has to go out for a cut to be a cut rather than a 500.
            wire = call.respondStreaming(head, length);
            streaming = true;
        }
        phase = Phase.DONE;
        dropBody();
        if (end(cause)) {
            call.fail(cause);
        }
        finish();
    }

    private void dropBody() {
        head = null;
        buffer = null;
        buffered = 0;
    }

    private boolean end(Throwable cause) {
        if (ended.compareAndSet(false, true)) {
            endedBy = cause;
            return true;
        }
        return false;
    }

    /** An exception reached us after the exchange had ended. */
    private void afterEnd(Throwable cause) {
        if (cause == endedBy) {
            return;
        }
        if (aborted) {
            LOG.log(DEBUG, label + ": the handler failed after herd ended its exchange", cause);
        } else {
            LOG.log(ERROR, label + ": the handler failed after its response was complete", cause);
        }
    }

    /**
     * The call is answered. The request body stays open: as on the JDK, the program's close of the
     * response (or of the exchange) closes it, and a program that wrote the last byte of a
     * fixed-length response may still read its request to the end ({@code transferTo}).
     */
    private void finish() {
        done.complete(null);
        Cleaner.Cleanable registration = cleanable;
        if (registration != null) {
            registration.clean();
        }
    }

    /** 413 also when the program wrapped the pipeline's exception in its own. */
    private static Throwable bodyTooLarge(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                return t;
            }
        }
        return cause;
    }

    private static HttpResponse head(int status, Headers headers) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            List<String> values = header.getValue();
            if (values == null) {
                continue;
            }
            for (String value : values) {
                if (value != null) {
                    // The JDK's Headers accept a folded value (CRLF then a space); RFC 9112 §5.2
                    // lets a server unfold it, and Netty's headers refuse CR and LF.
                    response.headers().add(header.getKey(), value.replace("\r\n", ""));
                }
            }
        }
        return response;
    }

    /** Why herd ended an exchange; its stack says nothing about the program, so it has none. */
    private static final class EndedByHerd extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        EndedByHerd(String message) {
            super(message);
            setStackTrace(new StackTraceElement[0]);
        }
    }
}
