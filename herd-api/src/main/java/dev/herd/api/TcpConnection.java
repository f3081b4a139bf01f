package dev.herd.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;

/** One connection of a {@link TcpApp}, used from its virtual thread. */
public interface TcpConnection {

    /** Bytes from the client; {@code read} blocks until some arrive, -1 once the client closed. */
    InputStream input();

    /**
     * Bytes to the client. Writes block while the client does not keep up; {@code flush} sends
     * what is buffered; {@code close} ends the connection.
     */
    OutputStream output();

    /** Whether the handler is draining: finish the current message and return from {@code serve}. */
    boolean draining();

    /** The client's address. */
    SocketAddress remoteAddress();

    /** The address the client connected to. */
    SocketAddress localAddress();

    /** The handler process serving this connection. */
    HandlerContext handler();
}
