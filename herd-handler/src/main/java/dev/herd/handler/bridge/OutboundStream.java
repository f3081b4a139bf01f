package dev.herd.handler.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Bytes to the client, as the blocking {@link OutputStream} of a thread that may block (a virtual
 * thread, never an event loop): a streamed HTTP response body, a {@code TcpApp}'s output.
 *
 * <p>Writes gather in a chunk of {@link #CHUNK} bytes; a full chunk, or {@link #flush}, hands it
 * to the {@link Sink}, the loop's side, which sends it; a write of a chunk or more skips the
 * gathering (one copy, since the caller may reuse its array; one task). Backpressure: the bytes
 * handed over and not yet taken by the kernel are counted (the sink reports each chunk
 * {@linkplain Sink#chunk sent}); a writer that would take that count past the high mark waits
 * until it is down to the low mark, so a client that does not read makes its writer wait instead
 * of filling the handler's memory.
 *
 * <p>Threads: {@code write}, {@code flush} and {@code close} by the writing threads (in any
 * number: they take turns); {@link #connectionClosed} on the loop; the sink's reports on any
 * thread. A writer may be interrupted: a blocked write then throws an {@link InterruptedIOException}.
 *
 * <p>{@link #close} ends the stream whole ({@link Sink#end}) or, when the connection broke, cuts
 * it ({@link Sink#cut}) and throws. A subclass adds its protocol's rules through {@link #admit}
 * (bytes it refuses or counts without sending) and {@link #checkWhole} (whether the stream may end
 * whole).
 */
public class OutboundStream extends OutputStream {
    /** Bytes gathered before they are handed to the loop: few enough tasks, no large copies. */
    public static final int CHUNK = 8 * 1024;

    /** The loop's side: where the chunks go and how the stream ends. */
    public interface Sink {
        /**
         * Called by the writer, in order: takes ownership of {@code bytes} and sends them on the
         * loop. {@code sent} runs once, on any thread (even before this returns), with whether
         * they left for the kernel; false when the connection is gone or the loop takes no more
         * tasks (the bytes then released).
         */
        void chunk(ByteBuf bytes, Consumer<Boolean> sent);

        /** Called by the writer, once, after the last chunk: the stream is whole and ends. */
        void end();

        /** Called by the writer, once: the stream cannot end whole, and the connection must be cut. */
        void cut();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final Sink sink;
    private final WaterMarks marks;

    // Guarded by lock.
    private byte[] chunk;
    private int filled;
    private long pending;
    /** Closed by its writer. */
    private boolean closed;
    /** The connection is gone: writes fail. */
    private boolean broken;

    public OutboundStream(Sink sink, WaterMarks marks) {
        this.sink = Objects.requireNonNull(sink);
        this.marks = Objects.requireNonNull(marks);
    }

    @Override
    public void write(int b) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (!admit(1)) {
                return;
            }
            room();
            chunk[filled++] = (byte) b;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        lock.lock();
        try {
            ensureOpen();
            if (!admit(length)) {
                return;
            }
            if (length >= CHUNK) {
                handOver();
                send(Arrays.copyOfRange(bytes, offset, offset + length), length);
                return;
            }
            while (length > 0) {
                room();
                int n = Math.min(length, chunk.length - filled);
                System.arraycopy(bytes, offset, chunk, filled, n);
                filled += n;
                offset += n;
                length -= n;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is gathered (waiting while the client does not keep up). */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            handOver();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends what is gathered, then ends the stream: {@link Sink#end} when it is whole, else
     * {@link Sink#cut} (the connection broke, or {@link #checkWhole} refused) and this throws.
     * Closing again does nothing.
     */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                if (!broken) {
                    handOver();
                }
                if (broken) {
                    throw new IOException("connection closed");
                }
                checkWhole();
            } catch (IOException e) {
                sink.cut();
                throw e;
            } finally {
                closed = true;
                chunk = null;
            }
        } finally {
            lock.unlock();
        }
        sink.end();
    }

    /**
     * Called on the loop when the connection closed: a blocked writer and later writes fail, and
     * what was gathered is dropped.
     */
    public void connectionClosed() {
        lock.lock();
        try {
            broken = true;
            chunk = null;
            filled = 0;
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes handed to the loop and not yet taken by the kernel. */
    public long pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called under the lock before {@code n} bytes are written, by an open stream: a subclass
     * refuses them by throwing, or takes them without sending them by returning false.
     */
    protected boolean admit(int n) throws IOException {
        return true;
    }

    /**
     * Called under the lock by {@link #close}, once every byte was handed over: a subclass throws
     * when the stream may not end whole, and the connection is cut instead.
     */
    protected void checkWhole() throws IOException {
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (broken) {
            throw new IOException("connection closed");
        }
    }

    /** Makes room in the chunk: hands a full one over, and starts a fresh one. */
    private void room() throws IOException {
        if (chunk != null && filled == chunk.length) {
            handOver();
        }
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
    }

    /** Hands the gathered bytes to the loop; the chunk now belongs to Netty, the next write starts another. */
    private void handOver() throws IOException {
        if (chunk != null && filled > 0) {
            byte[] full = chunk;
            int n = filled;
            chunk = null;
            filled = 0;
            send(full, n);
        }
    }

    private void send(byte[] bytes, int length) throws IOException {
        try {
            // A write larger than the high mark still goes once nothing else is pending.
            while (!broken && pending > 0 && pending + length > marks.high()) {
                drained.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the client was not reading");
        }
        if (broken) {
            throw new IOException("connection closed");
        }
        pending += length;
        // Under the lock: chunks of several writers reach the loop in the order they were written.
        sink.chunk(Unpooled.wrappedBuffer(bytes, 0, length), ok -> sent(length, ok));
        if (broken) {
            throw new IOException("connection closed");
        }
    }

    /** The sink's report on a chunk, from any thread. */
    private void sent(int length, boolean ok) {
        lock.lock();
        try {
            pending -= length;
            broken |= !ok;
            if (broken || pending <= marks.low()) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
