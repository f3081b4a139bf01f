package dev.herd.api;

import java.nio.ByteBuffer;

/**
 * The callbacks of one connection of an {@link AsyncTcpApp}, called one at a time on the
 * connection's event loop. An exception thrown by a callback is logged and closes the connection.
 */
public interface TcpHandler {

    /**
     * Bytes received. The buffer is valid during this call only: copy what must outlive it.
     * Bytes left unread are not offered again; keep a partial message yourself. While the
     * connection is not {@linkplain TcpChannel#writable() writable}, herd does not read the
     * socket, so a client that sends without reading the answers is slowed down.
     */
    void onData(ByteBuffer data) throws Exception;

    /**
     * The handler started to drain (called once): finish at a message boundary and
     * {@linkplain TcpChannel#close() close}. Connections still open at {@code --graceful-timeout}
     * are closed by the handler.
     */
    default void onDrain() throws Exception {
    }

    /**
     * The connection closed, from either side; the last callback. A client that only shuts down
     * its sending side ends the connection too, once what the application wrote until then is
     * sent.
     */
    default void onClose() {
    }
}
