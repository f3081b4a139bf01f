package dev.herd.api;

/**
 * A raw TCP application in event style, on the event loop that owns the connection: herd calls
 * {@link #open} for each new connection and then the returned {@link TcpHandler}'s callbacks, one
 * at a time, on that loop. Nothing here may block.
 */
@FunctionalInterface
public non-sealed interface AsyncTcpApp extends App {

    /** A new connection: returns what handles its bytes. */
    TcpHandler open(TcpChannel channel) throws Exception;
}
