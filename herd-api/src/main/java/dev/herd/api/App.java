package dev.herd.api;

/**
 * An application herd runs in every handler process. Implement one of its four forms:
 * <ul>
 *   <li>{@link HttpApp}: one request in, one response out; runs on a virtual thread per request
 *       (may block) or, when it declares so, on the event loop (must never block);</li>
 *   <li>{@link AsyncHttpApp}: runs on the event loop and answers with a stage completed later;</li>
 *   <li>{@link TcpApp}: a raw TCP connection as blocking streams, on a virtual thread;</li>
 *   <li>{@link AsyncTcpApp}: a raw TCP connection as callbacks on the event loop.</li>
 * </ul>
 *
 * <p>herd creates one instance per handler process through the class's public no-argument
 * constructor, calls {@link #start} before the handler accepts its first connection, and
 * {@link #stop} when the handler starts to drain. The instance serves many requests at once,
 * from several threads: it must be thread-safe.
 */
public sealed interface App permits HttpApp, AsyncHttpApp, TcpApp, AsyncTcpApp {

    /**
     * Runs once in each handler process before it reports ready: the place to open connection
     * pools or read configuration. An exception here is a boot failure: the handler exits, and
     * the spawner's boot-failure rule applies (it backs off, and gives up after
     * {@code --max-boot-failures}).
     */
    default void start(HandlerContext context) throws Exception {
    }

    /**
     * Runs once when the handler starts to drain (stop, reload, scale-down, recycling): it no
     * longer accepts connections, and requests in flight may still be running. Close what
     * {@link #start} opened only once they are done, or accept that they may fail.
     */
    default void stop(HandlerContext context) throws Exception {
    }
}
