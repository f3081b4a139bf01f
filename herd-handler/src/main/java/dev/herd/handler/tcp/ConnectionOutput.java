package dev.herd.handler.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes to the client, as the blocking {@link OutputStream} of a {@code TcpApp}, written from the
 * connection's virtual thread through the event loop.
 *
 * <p>Writes gather in a chunk of {@link #CHUNK} bytes; a full chunk, or {@link #flush}, hands it
 * to the loop, which writes and flushes it. Backpressure: the bytes handed over and not yet taken
 * by the kernel are counted (each write's future gives them back); a writer that would take that
 * count past the high mark blocks until the loop brought it down to the low mark, so a client
 * that does not read makes its writer wait instead of filling the handler's memory.
 */
final class ConnectionOutput extends OutputStream {
    /** Bytes gathered before they are handed to the loop: few enough tasks, no large copies. */
    static final int CHUNK = 8 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final ChannelHandlerContext ctx;
    private final LoopTasks loop;
    private final WaterMarks marks;

    // Guarded by lock.
    private byte[] chunk;
    private int filled;
    private long pending;
    private boolean closed;

    ConnectionOutput(ChannelHandlerContext ctx, LoopTasks loop, WaterMarks marks) {
        this.ctx = ctx;
        this.loop = loop;
        this.marks = marks;
    }

    @Override
    public void write(int b) throws IOException {
        lock.lock();
        try {
            room();
            chunk[filled++] = (byte) b;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            if (len >= CHUNK) {
                // Large writes skip the chunk: one copy (the caller may reuse its array), one task.
                handOver();
                send(Arrays.copyOfRange(b, off, off + len), len);
                return;
            }
            while (len > 0) {
                room();
                int n = Math.min(len, chunk.length - filled);
                System.arraycopy(b, off, chunk, filled, n);
                filled += n;
                off += n;
                len -= n;
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
            handOver();
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is gathered, then ends the connection once every byte is written. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            handOver();
            closed = true;
        } finally {
            lock.unlock();
        }
        closeAfterWrites();
    }

    /** Ends the connection once every byte handed over so far is written, without sending what is gathered. */
    void closeAfterWrites() {
        // An empty write completes after every write before it: then nothing is lost by closing.
        loop.post(() -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
    }

    /** Called on the loop when the connection closed: blocked and later writes fail. */
    void connectionClosed() {
        lock.lock();
        try {
            closed = true;
            chunk = null;
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes handed to the loop and not yet written to the socket (for tests). */
    long pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    /** Makes room in the chunk: hands a full one over, and starts a fresh one. */
    private void room() throws IOException {
        if (chunk != null && filled == chunk.length) {
            handOver();
        }
        if (closed) {
            throw new IOException("connection closed");
        }
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
    }

    /** Hands the gathered bytes to the loop; the chunk now belongs to Netty, the next write starts another. */
    private void handOver() throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
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
            while (!closed && pending > 0 && pending + length > marks.high()) {
                drained.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the client was not reading");
        }
        if (closed) {
            throw new IOException("connection closed");
        }
        pending += length;
        boolean posted = loop.post(() -> ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes, 0, length))
                .addListener(f -> written(length, f.isSuccess())));
        if (!posted) {
            closed = true;
            throw new IOException("connection closed: the handler is exiting");
        }
    }

    /** Runs on the loop when a write left for the kernel (or failed). */
    private void written(int length, boolean success) {
        lock.lock();
        try {
            pending -= length;
            closed |= !success;
            if (pending <= marks.low() || closed) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
