package dev.herd.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;

/**
 * One connection of a {@link TcpApp}, used from its virtual thread. Closing either stream ends the
 * connection, as with a {@link java.net.Socket}, once what was written is sent.
 */
public interface TcpConnection {

    /**
     * Bytes from the client; {@code read} blocks until some arrive, and returns -1 once the client
     * closed or shut down its side (the output stays usable: the application may still answer),
     * or the connection was closed, or the handler drains and the client sent nothing more (see
     * {@link #draining()}). While the application does not read, herd stops reading the
     * socket past a few tens of kilobytes, so that a fast client waits instead of filling memory.
     */
    InputStream input();

    /**
     * Bytes to the client. Writes gather in a small buffer; {@code flush} sends it. Writes block
     * while the client does not keep up (a few tens of kilobytes on their way), and throw an
     * {@link java.io.IOException} once the connection is closed; {@code close} ends the connection
     * once what was written is sent (and throws too if the connection was closed before).
     */
    OutputStream output();

    /**
     * Whether the handler is draining: finish the current message and return from {@code serve}.
     * A thread blocked in {@code read} with nothing coming is given a second for its client to
     * send more (it may be sending the next message right now): if nothing comes, the read returns
     * -1, as at the end of the client's input, so that {@code serve} sees the end of its stream at
     * a message boundary and returns; if bytes come, they are read as usual, and the second starts
     * again once the thread waits for input again. A thread at work is never interrupted: it checks
     * this itself. What is still open at {@code --graceful-timeout} is closed.
     */
    boolean draining();

    /** The client's address. */
    SocketAddress remoteAddress();

    /** The address the client connected to. */
    SocketAddress localAddress();

    /** The handler process serving this connection. */
    HandlerContext handler();
}
