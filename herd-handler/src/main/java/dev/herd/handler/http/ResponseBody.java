package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response body written by a thread that may block (never an event loop). Bytes are gathered in
 * a small buffer and handed to the loop in chunks; a writer waits while more than a high-water mark
 * of handed-over bytes is not yet on the socket, so a slow client slows its writer down.
 */
final class ResponseBody extends OutputStream {
    static final int BUFFER = 8 * 1024;
    static final int HIGH_WATER = 256 * 1024;

    /** The loop side: where chunks go and how the body ends. */
    interface Sink {
        /** Sends a chunk; {@code sent} runs (on any thread) with whether it reached the socket. */
        void chunk(ByteBuf bytes, java.util.function.Consumer<Boolean> sent);

        /** The body is complete. */
        void end();

        /** The body cannot be completed: the connection must be cut. */
        void cut();
    }

    private final Sink sink;
    private final long length;
    private final boolean discard;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition sent = lock.newCondition();
    private byte[] buffer = new byte[BUFFER];
    private int count;
    private long written;
    private long pending;
    private volatile boolean broken;
    private boolean closed;

    /**
     * @param length  the declared length, or -1 for a body of unknown length
     * @param discard count the bytes but send none (the answer to a HEAD request)
     */
    ResponseBody(Sink sink, long length, boolean discard) {
        this.sink = sink;
        this.length = length;
        this.discard = discard;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int n) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, n, bytes.length);
        ensureOpen();
        if (length >= 0 && written + n > length) {
            throw new IOException("response body longer than its declared length of " + length + " bytes");
        }
        written += n;
        if (discard) {
            return;
        }
        while (n > 0) {
            int room = buffer.length - count;
            if (room == 0) {
                send();
                continue;
            }
            int take = Math.min(room, n);
            System.arraycopy(bytes, offset, buffer, count, take);
            count += take;
            offset += take;
            n -= take;
        }
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        send();
    }

    /**
     * Ends the body. Short of its declared length, the connection is cut (a client must not take a
     * partial body for a whole one) and this throws.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (!broken) {
            send();
        }
        closed = true;
        if (broken) {
            sink.cut();
            throw new IOException("the client connection is closed");
        }
        if (length >= 0 && written < length) {
            sink.cut();
            throw new IOException("response body of " + written + " bytes is shorter than its declared length of "
                    + length + " bytes: connection cut");
        }
        sink.end();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("response body already closed");
        }
        if (broken) {
            throw new IOException("the client connection is closed");
        }
    }

    private void send() throws IOException {
        if (count == 0 || discard) {
            return;
        }
        int n = count;
        ByteBuf chunk = Unpooled.wrappedBuffer(buffer, 0, n);
        buffer = new byte[BUFFER];
        count = 0;
        lock.lock();
        try {
            while (pending > HIGH_WATER && !broken) {
                sent.awaitUninterruptibly();
            }
            if (broken) {
                throw new IOException("the client connection is closed");
            }
            pending += n;
        } finally {
            lock.unlock();
        }
        sink.chunk(chunk, ok -> {
            lock.lock();
            try {
                pending -= n;
                broken |= !ok;
                sent.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }
}
