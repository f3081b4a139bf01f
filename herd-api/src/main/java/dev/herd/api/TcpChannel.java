package dev.herd.api;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/** One connection of an {@link AsyncTcpApp}: its methods may be called from any thread. */
public interface TcpChannel {

    /**
     * Queues the buffer's remaining bytes to send (copied: its position moves to its limit);
     * {@link #flush} sends what is queued. Writes from one thread keep their order; writes after
     * {@link #close}, or once the connection is closed, are dropped.
     */
    void write(ByteBuffer bytes);

    /** Queues bytes to send (copied). */
    default void write(byte[] bytes) {
        write(ByteBuffer.wrap(bytes));
    }

    /** Sends what {@link #write} queued. */
    void flush();

    /**
     * Whether the peer keeps up: false while more than a high-water mark of written bytes waits
     * to be sent. A well-behaved application stops producing until it is true again.
     */
    boolean writable();

    /** Sends what is queued, then closes the connection. */
    void close();

    /** The client's address. */
    SocketAddress remoteAddress();

    /** The address the client connected to. */
    SocketAddress localAddress();

    /** The handler process serving this connection. */
    HandlerContext handler();

    /** Runs tasks on this connection's event loop, one at a time, after the current callback. */
    Executor executor();
}
