package dev.herd.handler.bridge;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bytes the event loop reads from a socket, as the blocking {@link InputStream} of a thread that
 * may block (a virtual thread): the loop {@linkplain #offer offers} the buffers it reads, the
 * thread {@linkplain #read reads} them. An HTTP request body streamed to its service and a
 * {@code TcpApp}'s input are both one of these.
 *
 * <p>Threads: {@link #offer}, {@link #end}, {@link #fail}, {@link #discard}, {@link #paused},
 * {@link #idleMark} and {@link #endIfIdleSince} are called on the connection's event loop;
 * {@code read}, {@code available} and {@link #close} by the reading thread ({@link #stopReading}
 * by either). The reader may be interrupted: a blocked {@code read} then throws an
 * {@link InterruptedIOException}.
 *
 * <p>Backpressure: once more than the high mark waits here, {@link #offer} tells the loop to stop
 * reading the socket (the kernel's receive window then slows the client down); when the reader
 * brings it down to the low mark, or stops reading, {@code resume} runs, once per pause. It runs
 * on the thread that did so and hands over to the loop; since bytes may come in between, the loop
 * asks {@link #paused} before it reads again.
 *
 * <p>How the input ends: {@link #end} (the client sent everything: reads return -1 once what is
 * here is read); {@link #fail} (reads throw the cause once what is here is read, or at once);
 * {@link #discard} (the connection is gone: what is here is dropped, reads return -1); and
 * {@link #stopReading} (the reader is done: what is here and what still comes is dropped, and the
 * loop reads on). Every buffer offered is released exactly once: when read through, or dropped.
 *
 * <p>An optional {@link Listener} hears when the reader starts to wait for bytes and when bytes
 * come for a waiting reader (TCP counts its scoreboard turns so); without one, nothing is paid.
 */
public class InboundStream extends InputStream {

    /**
     * Hears when the reader is idle, waiting for bytes, and when it is not any more. Both are
     * called with the stream's lock held, so they only hand the news over (post it to the loop,
     * bump a counter) and never call back into the stream.
     */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void waiting() {
            }

            @Override
            public void arrived() {
            }
        };

        /** On the reader's thread (or whoever calls {@link #stopReading}): the reader waits for bytes. */
        void waiting();

        /** On the loop, from {@link #offer}: bytes came for a reader that was waiting for them. */
        void arrived();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private final WaterMarks marks;
    private final Runnable resume;
    private final Listener listener;

    // Guarded by lock.
    private long buffered;
    private boolean paused;
    /** The client sends nothing more; what is buffered is still read. */
    private boolean ended;
    /** Nothing more is read: what is buffered and what comes is dropped. */
    private boolean discarded;
    /** Thrown by reads once the buffer is empty. */
    private IOException error;
    /** The reader waits for bytes and none came since; it starts busy, as it has not read yet. */
    private boolean readerIdle;
    /** How many times {@link #readerIdle} changed: the identity of the reader's current wait. */
    private long idleChanges;

    /**
     * @param resume runs when the loop may read the socket again, on the thread that brought the
     *               bytes down (the reader's, or whoever stopped reading): it hands over to the loop
     */
    public InboundStream(WaterMarks marks, Runnable resume) {
        this(marks, resume, Listener.NONE);
    }

    public InboundStream(WaterMarks marks, Runnable resume, Listener listener) {
        this.marks = Objects.requireNonNull(marks);
        this.resume = Objects.requireNonNull(resume);
        this.listener = Objects.requireNonNull(listener);
    }

    /**
     * Called on the loop with bytes read from the socket; takes ownership of {@code bytes} (they
     * are released at once once the input is over).
     *
     * @return whether the loop must stop reading: this offer took the buffer past the high mark
     */
    public boolean offer(ByteBuf bytes) {
        boolean arrived;
        boolean pause;
        lock.lock();
        try {
            if (over() || !bytes.isReadable()) {
                bytes.release();
                return false;
            }
            chunks.add(bytes);
            buffered += bytes.readableBytes();
            arrived = readerIdle;
            if (arrived) {
                setReaderIdle(false);
                listener.arrived();
            }
            pause = !paused && buffered > marks.high();
            paused |= pause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return pause;
    }

    /** Called on the loop: the client sends nothing more; reads return -1 once the buffer is read. */
    public void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called on the loop: reads throw {@code cause} once the bytes here are read (a body over its
     * limit), or at once when {@code now} (the connection is gone: they are dropped). Bytes offered
     * later are dropped. The first cause wins.
     */
    public void fail(IOException cause, boolean now) {
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

    /** Called on the loop when the connection closed: buffered bytes are released, reads return -1. */
    public void discard() {
        lock.lock();
        try {
            discarded = true;
            releaseAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Nothing more will be read: what is here and what still comes is dropped, reads return -1,
     * and the loop may read the socket again (to drop the rest as it comes). The reader counts as
     * idle from now on. Called by the reader, or by the loop once the exchange is over.
     */
    public void stopReading() {
        boolean wake;
        lock.lock();
        try {
            discarded = true;
            wake = paused;
            releaseAll();
            if (!readerIdle) {
                setReaderIdle(true);
                listener.waiting();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (wake) {
            resume.run();
        }
    }

    /** Stops reading ({@link #stopReading}); a subclass may give closing a meaning of its protocol. */
    @Override
    public void close() throws IOException {
        stopReading();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        boolean wake;
        int n = 0;
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (error != null) {
                    throw error;
                }
                if (ended || discarded) {
                    return -1;
                }
                if (!readerIdle) {
                    setReaderIdle(true);
                    listener.waiting();
                }
                changed.await();
            }
            while (n < length && !chunks.isEmpty()) {
                ByteBuf head = chunks.peek();
                int take = Math.min(length - n, head.readableBytes());
                head.readBytes(into, offset + n, take);
                n += take;
                if (!head.isReadable()) {
                    chunks.poll().release();
                }
            }
            buffered -= n;
            wake = paused && buffered <= marks.low();
            paused &= !wake;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for bytes from the client");
        } finally {
            lock.unlock();
        }
        if (wake) {
            resume.run();
        }
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, buffered());
    }

    /** Bytes waiting to be read. */
    public long buffered() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called on the loop: whether the loop must not read the socket, from the moment an offer
     * passed the high mark until the reader brought the buffer down to the low mark.
     */
    public boolean paused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called on the loop: a mark for {@link #endIfIdleSince}, which changes whenever the reader
     * starts to wait for bytes and whenever bytes come for it.
     */
    public long idleMark() {
        lock.lock();
        try {
            return idleChanges;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called on the loop: ends the input (a blocked {@code read} returns -1) if the reader has been
     * waiting for bytes, with none coming, since {@code mark} was taken; a draining connection
     * ends so at a message boundary. Checked under the lock, so bytes that come at the same moment
     * are never lost: they win, and the input stays open.
     *
     * @return whether the input is over: ended now, or before (by the client, a failure, a discard)
     */
    public boolean endIfIdleSince(long mark) {
        lock.lock();
        try {
            if (over()) {
                return true;
            }
            if (!readerIdle || idleChanges != mark || !chunks.isEmpty()) {
                return false;
            }
            ended = true;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether no more bytes are taken. */
    private boolean over() {
        return ended || discarded || error != null;
    }

    private void setReaderIdle(boolean idle) {
        readerIdle = idle;
        idleChanges++;
    }

    /** Drops what is buffered: with nothing here, the loop has nothing to pause for. */
    private void releaseAll() {
        ByteBuf b;
        while ((b = chunks.poll()) != null) {
            b.release();
        }
        buffered = 0;
        paused = false;
    }
}
