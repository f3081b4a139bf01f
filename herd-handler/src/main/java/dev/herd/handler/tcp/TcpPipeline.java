package dev.herd.handler.tcp;

import dev.herd.api.App;
import dev.herd.api.AsyncHttpApp;
import dev.herd.api.AsyncTcpApp;
import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.TcpApp;
import dev.herd.config.Config;
import dev.herd.config.Settings;
import dev.herd.handler.app.Applications;
import dev.herd.handler.app.BootFailure;
import dev.herd.handler.bridge.WaterMarks;
import dev.herd.handler.http.ServingLoop;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;


/**
 * {@code --protocol tcp}: the user's {@link TcpApp} or {@link AsyncTcpApp}, loaded and started,
 * and the pipeline of every accepted connection, which is one handler:
 * {@link BlockingConnectionHandler} (a virtual thread per connection, blocking streams) or
 * {@link CallbackConnectionHandler} (callbacks on the event loop).
 *
 * <p>What the scoreboard counts for TCP, so that the spawner's idle/busy view and its scaling
 * mean what they mean for HTTP (a loop is busy while application work is under way):
 * <ul>
 *   <li>{@code connections}: open connections, as for HTTP (counted by the handler).</li>
 *   <li>{@code in_flight} / {@code requests}: for an {@code AsyncTcpApp}, one request is one
 *       callback into the application (open, data, drain, close, a task), in flight while it
 *       runs. For a {@code TcpApp}, one request is one <em>turn</em> of its virtual thread: from
 *       when bytes arrive for a thread that was waiting for them (or {@code serve} starts) until
 *       it waits for input again (or {@code serve} ends). A connection that sits idle, its thread
 *       blocked in {@code read}, is not in flight, so long-lived idle connections do not make a
 *       handler look busy; a request-response protocol counts about one request per exchange.</li>
 * </ul>
 *
 * <p>Draining: every open connection gets the {@link dev.herd.handler.Drain} event, which sets
 * {@link dev.herd.api.TcpConnection#draining()} (and ends the input of a thread that waits for it
 * through a grace with nothing coming: see {@link BlockingConnectionHandler}) or calls
 * {@link dev.herd.api.TcpHandler#onDrain()}; the application ends its connections at a message
 * boundary, and those still open at the graceful timeout are closed by the handler. {@link #stop} runs the application's stop hook.
 */
public final class TcpPipeline {
    private static final System.Logger LOG = System.getLogger(TcpPipeline.class.getName());
    /** A connection's unread input: past 64 KiB the socket is not read until the app is down to 16 KiB. */
    static final WaterMarks INPUT = new WaterMarks(64 * 1024, 16 * 1024);
    /** A connection's unsent output: a writer blocks past 64 KiB until the kernel took all but 16 KiB. */
    static final WaterMarks OUTPUT = new WaterMarks(64 * 1024, 16 * 1024);

    private final App app;
    private final ClassLoader loader;
    private final HandlerContext context;

    TcpPipeline(App app, ClassLoader loader, HandlerContext context) {
        this.app = app;
        this.loader = loader;
        this.context = context;
    }

    /**
     * Loads {@code --app} from {@code --classpath} in a class loader of its own, checks that it is
     * a TCP application, and runs its start hook: call before the handler reports ready.
     */
    public static TcpPipeline boot(Config config, HandlerContext context) throws BootFailure {
        String name = config.get(Settings.APP);
        if (Settings.BUILT_IN_APPS.contains(name)) {
            throw new BootFailure("--app " + name + " is an HTTP application: use --protocol http");
        }
        Applications.Loaded loaded = Applications.load(name, config.get(Settings.CLASSPATH));
        App app = loaded.app();
        ClassLoader loader = loaded.loader();
        if (app instanceof HttpApp || app instanceof AsyncHttpApp) {
            throw new BootFailure("application class " + name + " is an HTTP application: use --protocol http");
        }
        Applications.start(app, context, loader);
        LOG.log(System.Logger.Level.INFO, "serving TCP with " + name + " ("
                + (app instanceof TcpApp ? "a virtual thread per connection" : "callbacks on the event loops") + ")");
        return new TcpPipeline(app, loader, context);
    }

    /** The application's class loader: the context class loader of the loops that run its code. */
    public ClassLoader loader() {
        return loader;
    }

    /** Builds the pipeline of an accepted connection, before it is registered with {@code loop}. */
    public void configure(Channel channel, ServingLoop loop) {
        // A client that shuts down its side has not closed the connection: what it is owed still goes out.
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        switch (app) {
            case TcpApp blocking -> {
                channel.pipeline().addLast("tcp", new BlockingConnectionHandler(blocking, loader, loop,
                        LoopTasks.of(loop.loop()), INPUT, OUTPUT));
            }
            case AsyncTcpApp async -> channel.pipeline().addLast("tcp", new CallbackConnectionHandler(async, loader, loop));
            case HttpApp http -> throw new IllegalStateException("refused at boot: " + http);
            case AsyncHttpApp http -> throw new IllegalStateException("refused at boot: " + http);
        }
    }

    /**
     * Runs the application's stop hook, once the handler started to drain: connections are still
     * finishing. A failure is logged; the drain goes on.
     */
    public void stop() {
        Applications.stop(app, context, loader);
    }
}
