package dev.herd.api;

import java.nio.ByteBuffer;

/**
 * The callbacks of one connection of an {@link AsyncTcpApp}, called one at a time on the
 * connection's event loop. An exception thrown by a callback is logged and closes the connection.
 */
public interface TcpHandler {

    /**
     * Bytes received. The buffer is valid during this call only: copy what must outlive it.
     * Bytes left unread are not offered again; keep a partial message yourself.
     */
    void onData(ByteBuffer data) throws Exception;

    /** The handler started to drain: finish at a message boundary and close. */
    default void onDrain() throws Exception {
    }

    /** The connection closed, from either side. */
    default void onClose() {
    }
}
