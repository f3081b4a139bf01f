package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body read as it arrives, by a thread that may block (a virtual thread), while the
 * event loop feeds it. The loop stops reading the socket while more than a high-water mark waits
 * here ({@link #buffered}), and {@code onDrained} is run (to be sent to the loop) when a reader
 * brings it back under the low-water mark: a slow reader slows its client down instead of
 * filling the heap.
 */
final class RequestBody extends InputStream {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private final int lowWater;
    private final Runnable onDrained;
    private int buffered;
    private boolean ended;
    private boolean discarded;
    private IOException error;

    RequestBody(int lowWater, Runnable onDrained) {
        this.lowWater = lowWater;
        this.onDrained = onDrained;
    }

    /** Called on the loop: takes ownership of {@code bytes}. Returns the bytes now waiting. */
    int offer(ByteBuf bytes) {
        lock.lock();
        try {
            if (discarded || error != null) {
                bytes.release();
                return 0;
            }
            chunks.add(bytes);
            buffered += bytes.readableBytes();
            changed.signalAll();
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /** Called on the loop: the last byte has arrived. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called on the loop: reading fails with {@code cause} once the bytes already here are read
     * (a body over the limit), or at once when {@code now} (the connection is gone).
     */
    void fail(IOException cause, boolean now) {
        lock.lock();
        try {
            if (error == null) {
                error = cause;
            }
            if (now) {
                releaseAll();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int buffered() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        boolean wake;
        int n;
        lock.lock();
        try {
            while (chunks.isEmpty() && !ended && error == null && !discarded) {
                changed.awaitUninterruptibly();
            }
            if (chunks.isEmpty()) {
                if (error != null) {
                    throw error;
                }
                return -1;
            }
            ByteBuf first = chunks.peek();
            n = Math.min(length, first.readableBytes());
            first.readBytes(into, offset, n);
            if (!first.isReadable()) {
                chunks.poll().release();
            }
            int before = buffered;
            buffered -= n;
            wake = before > lowWater && buffered <= lowWater;
        } finally {
            lock.unlock();
        }
        if (wake) {
            onDrained.run();
        }
        return n;
    }

    @Override
    public int available() {
        return buffered();
    }

    /** Nothing more will be read: what is here and what still comes is dropped. */
    @Override
    public void close() {
        boolean wake;
        lock.lock();
        try {
            discarded = true;
            wake = buffered > lowWater;
            releaseAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (wake) {
            onDrained.run();
        }
    }

    private void releaseAll() {
        ByteBuf b;
        while ((b = chunks.poll()) != null) {
            b.release();
        }
        buffered = 0;
    }
}
