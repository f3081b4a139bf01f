package dev.herd.api;

/**
 * A raw TCP application in event style, on the event loop that owns the connection: herd calls
 * {@link #open} for each new connection and then the returned {@link TcpHandler}'s callbacks, one
 * at a time, on that loop, with the application's class loader as the thread's context class
 * loader. Nothing here may block. An exception from {@code open} or a callback is logged with its
 * stack trace and closes that connection only.
 *
 * <p>When the handler drains (stop, reload, scale-down), it stops accepting and calls
 * {@link TcpHandler#onDrain()} on every open connection, which may finish within
 * {@code --graceful-timeout}; connections still open then are closed.
 */
@FunctionalInterface
public non-sealed interface AsyncTcpApp extends App {

    /** A new connection: returns what handles its bytes. */
    TcpHandler open(TcpChannel channel) throws Exception;
}
