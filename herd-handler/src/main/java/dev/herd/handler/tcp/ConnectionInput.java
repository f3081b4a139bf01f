package dev.herd.handler.tcp;

import dev.herd.handler.bridge.InboundStream;
import dev.herd.handler.bridge.WaterMarks;

import java.io.Closeable;
import java.io.IOException;

/**
 * What the client sent, as the blocking input stream of a {@code TcpApp}: the bridge's
 * {@link InboundStream}, fed by the connection's loop ({@link BlockingConnectionHandler}) and read
 * by its virtual thread, except that closing it ends the whole connection after what was written,
 * as closing a {@link java.net.Socket}'s input stream does. The serving thread's end calls
 * {@link #stopReading} instead.
 */
final class ConnectionInput extends InboundStream {
    private final Closeable connection;

    /** @param connection what {@link #close} does: ends the connection (its output stream) */
    ConnectionInput(WaterMarks marks, Runnable resume, Listener turns, Closeable connection) {
        super(marks, resume, turns);
        this.connection = connection;
    }

    /** Ends the connection, after what was written (as closing a socket's input stream does). */
    @Override
    public void close() throws IOException {
        connection.close();
    }
}
