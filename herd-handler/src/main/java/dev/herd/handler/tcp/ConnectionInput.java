package dev.herd.handler.tcp;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the client sent, as the blocking {@link InputStream} of a {@code TcpApp}: the event loop
 * {@linkplain #offer offers} the buffers it reads, the connection's virtual thread reads them.
 *
 * <p>Backpressure: once more than the high mark waits here, {@link #offer} tells the loop to stop
 * reading the socket (the kernel's receive window then slows the client down); when the reader
 * brings it down to the low mark, it asks the loop, through {@code resume}, to read again.
 *
 * <p>It also tells when the serving thread is busy, for the scoreboard: a <em>turn</em> begins
 * when bytes arrive for a thread that was waiting for them (or when {@code serve} starts) and ends
 * when the thread waits for input again (or {@code serve} ends). {@code turnStarted} is run on the
 * loop, {@code turnEnded} is sent to it, so that the loop's counters have a single writer.
 */
final class ConnectionInput extends InputStream {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private final WaterMarks marks;
    private final LoopTasks loop;
    private final Runnable resume;
    private final Runnable turnStarted;
    private final Runnable turnEnded;
    private final java.io.Closeable closeConnection;

    // Guarded by lock.
    private long buffered;
    private boolean paused;
    /** The client will send nothing more (it shut down its side), but what is buffered is still read. */
    private boolean endOfInput;
    /** The connection is gone: what was buffered is dropped. */
    private boolean discarded;
    /** The serving thread is in a turn; it starts in one, as {@code serve} begins. */
    private boolean working = true;

    /**
     * @param resume          runs on the loop when reading may resume
     * @param turnStarted     runs on the loop (from {@link #offer}) when a turn begins
     * @param turnEnded       sent to the loop when a turn ends
     * @param closeConnection what {@link #close} does: ends the whole connection, as closing a
     *                        {@link java.net.Socket}'s input stream does
     */
    ConnectionInput(WaterMarks marks, LoopTasks loop, Runnable resume, Runnable turnStarted, Runnable turnEnded,
                    java.io.Closeable closeConnection) {
        this.marks = marks;
        this.loop = loop;
        this.resume = resume;
        this.turnStarted = turnStarted;
        this.turnEnded = turnEnded;
        this.closeConnection = closeConnection;
    }

    /**
     * Called on the loop with bytes read from the socket; takes ownership of {@code bytes}.
     *
     * @return whether the loop must stop reading (more than the high mark is buffered)
     */
    boolean offer(ByteBuf bytes) {
        boolean startTurn;
        boolean pause;
        lock.lock();
        try {
            if (discarded || endOfInput) {
                bytes.release();
                return false;
            }
            chunks.add(bytes);
            buffered += bytes.readableBytes();
            startTurn = !working;
            working = true;
            pause = !paused && buffered > marks.high();
            paused |= pause;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (startTurn) {
            turnStarted.run();
        }
        return pause;
    }

    /** Called on the loop when the client shut down its side: reads return -1 once the buffer is empty. */
    void endOfInput() {
        lock.lock();
        try {
            endOfInput = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called on the loop when the connection closed: buffered bytes are released, reads return -1. */
    void discard() {
        lock.lock();
        try {
            discarded = true;
            releaseAll();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called by the serving thread when {@code serve} ended: the last turn ends with it. */
    void serveEnded() {
        lock.lock();
        try {
            endTurn();
            discarded = true;
            releaseAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (discarded || endOfInput) {
                    return -1;
                }
                endTurn();
                arrived.await();
            }
            int n = 0;
            while (n < len && !chunks.isEmpty()) {
                ByteBuf head = chunks.peek();
                int take = Math.min(len - n, head.readableBytes());
                head.readBytes(b, off + n, take);
                n += take;
                if (!head.isReadable()) {
                    chunks.poll().release();
                }
            }
            buffered -= n;
            if (paused && buffered <= marks.low()) {
                paused = false;
                loop.post(resume);
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the client");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, buffered);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the connection, after what was written (as closing a socket's input stream does). */
    @Override
    public void close() throws IOException {
        closeConnection.close();
    }

    /** Bytes waiting to be read (for tests). */
    long buffered() {
        return available();
    }

    private void endTurn() {
        if (working) {
            working = false;
            loop.post(turnEnded);
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
