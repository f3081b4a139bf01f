package dev.herd.api;

/**
 * A raw TCP application in blocking style: every connection is served on a virtual thread of its
 * own (with the application's class loader as its context class loader), reading
 * {@link TcpConnection#input()} and writing {@link TcpConnection#output()}. The connection closes
 * when {@link #serve} returns (after what it wrote is sent) or throws (at once; the exception is
 * logged with its stack trace, and the handler's other connections go on).
 *
 * <p>When the handler drains (stop, reload, scale-down), it stops accepting and lets open
 * connections finish within {@code --graceful-timeout}; {@link TcpConnection#draining()} tells
 * the application, so that it can end the connection at a message boundary.
 *
 * <pre>{@code
 * public final class Echo implements TcpApp {
 *     public void serve(TcpConnection connection) throws IOException {
 *         connection.input().transferTo(connection.output());
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface TcpApp extends App {

    /** Serves one connection, on a virtual thread of its own. */
    void serve(TcpConnection connection) throws Exception;
}
