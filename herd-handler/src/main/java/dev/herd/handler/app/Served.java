package dev.herd.handler.app;

import dev.herd.api.App;
import dev.herd.api.HandlerContext;
import dev.herd.api.WarmupRequest;
import dev.herd.config.Config;
import dev.herd.config.Settings;
import dev.herd.config.StaticMount;
import dev.herd.handler.files.MountedService;
import dev.herd.handler.http.HttpService;
import dev.herd.handler.jdk.JdkProgram;
import dev.herd.handler.tcp.TcpPipeline;

import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * What a handler serves, made at boot from its settings: the HTTP service (an application through
 * the herd API, possibly beside static files, or an unmodified JDK HttpServer program), the class
 * loader its code runs with, and the application whose stop hook runs when the handler drains.
 *
 * @param http   the service of the HTTP pipeline; null under {@code --protocol tcp}
 * @param tcp    the TCP application's pipeline under {@code --protocol tcp}, else null
 * @param loader the application's class loader (herd's own for the built-in applications)
 * @param app    the HTTP application with lifecycle hooks, if there is one
 * @param warmup the application's own warm-up requests (none unless it asks)
 */
public record Served(HttpService http, TcpPipeline tcp, ClassLoader loader, Optional<App> app,
                     List<WarmupRequest> warmup) {
    /**
     * Loads, creates and starts what {@code config} names. Every failure is a {@link BootFailure}
     * whose message is the one line that says what is wrong.
     */
    public static Served boot(Config config, HandlerContext context, SocketAddress listening) throws BootFailure {
        if (config.get(Settings.PROTOCOL) == Settings.Protocol.TCP) {
            TcpPipeline tcp = TcpPipeline.boot(config, context);
            return new Served(null, tcp, tcp.loader(), Optional.empty(), List.of());
        }
        Served application = config.get(Settings.MAIN).isPresent()
                ? program(config, context, listening) : application(config, context);
        Optional<StaticMount> mount = config.get(Settings.STATIC);
        if (mount.isEmpty()) {
            if (application == null) {
                throw new BootFailure("nothing to serve: give --app, --main or --static");
            }
            return application;
        }
        HttpService http;
        try {
            http = MountedService.of(mount.get(), config.get(Settings.STATIC_INDEX), config.get(Settings.STATIC_LISTING),
                    Optional.ofNullable(application).map(Served::http));
        } catch (IllegalArgumentException e) {
            throw new BootFailure(e.getMessage());
        }
        return application == null ? new Served(http, null, Served.class.getClassLoader(), Optional.empty(), List.of())
                : new Served(http, null, application.loader(), application.app(), application.warmup());
    }

    /** The unmodified JDK HttpServer program of {@code --main}, started: it has created and started its server. */
    private static Served program(Config config, HandlerContext context, SocketAddress listening) throws BootFailure {
        String mainClass = config.get(Settings.MAIN).orElseThrow();
        ClassLoader loader = AppClassLoader.of(config.get(Settings.CLASSPATH));
        try {
            HttpService http = JdkProgram.start(loader, mainClass, context.args(), listening, context);
            return new Served(http, null, loader, Optional.empty(), List.of());
        } catch (JdkProgram.BootException e) {
            throw new BootFailure(e.getMessage(), saidInTheLine(e) ? null : e.getCause());
        }
    }

    /** A missing class or main is said in the line; an exception of the program's own deserves its stack trace. */
    private static boolean saidInTheLine(JdkProgram.BootException e) {
        return e.getCause() == null || e.getCause() instanceof ClassNotFoundException
                || e.getCause() instanceof NoSuchMethodException;
    }

    /** The application of {@code --app}, created and started; null when only files are served. */
    private static Served application(Config config, HandlerContext context) throws BootFailure {
        String name = config.get(Settings.APP).strip();
        if (name.isEmpty()) {
            return null;
        }
        Applications.Loaded loaded = Applications.load(name, config.get(Settings.CLASSPATH));
        App app = loaded.app();
        ClassLoader loader = loaded.loader();
        // The form is checked before the start hook runs: a TCP application under HTTP opens nothing.
        HttpService http = ApiHttpService.of(app, loader);
        List<WarmupRequest> warmup = Applications.warmup(app, loader);
        Applications.start(app, context, loader);
        return new Served(http, null, loader, Optional.of(app), warmup);
    }

    /** Runs the application's stop hook: the handler drains. A failure is logged, not thrown. */
    public void stop(HandlerContext context) {
        if (tcp != null) {
            tcp.stop();
            return;
        }
        http.drain();
        app.ifPresent(a -> Applications.stop(a, context, loader));
    }
}
