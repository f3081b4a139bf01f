package dev.herd.examples.javalin;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** A plain Javalin application: it knows nothing of herd. */
public final class Application {
    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {
    }

    public static void main(String[] args) {
        // Javalin has no port setting of its own; PORT is the usual convention.
        String port = System.getenv().getOrDefault("PORT", "7070");
        Javalin app = Javalin.create(config -> {
            // Javalin's own limit, 1 000 000 bytes, is less than the 1 MiB bodies /echo is tested with.
            config.http.maxRequestSize = 2L * 1024 * 1024;
            config.events.serverStopped(() -> LOG.info("stopped"));
            // A graceful stop, as Jetty does it: requests in flight finish (within 30 s) before the
            // server closes their connections; Jetty's own stop timeout, 0, would cut them.
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(30_000);
                server.insertHandler(new GracefulHandler());
            });
            config.routes.get("/", Application::hello);
            config.routes.get("/whoami", Application::whoami);
            config.routes.post("/echo", Application::echo);
            config.routes.get("/sleep", Application::sleep);
        });
        // As Javalin's documentation has it: the server stops cleanly when the JVM is asked to exit.
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop));
        app.start(Integer.parseInt(port));
    }

    private static void hello(Context ctx) {
        String name = ctx.queryParam("name");
        ctx.result("Hello, " + (name == null ? "world" : name) + ", from Javalin\n");
    }

    /** Which process answered: under herd, each handler is a JVM of its own. */
    private static void whoami(Context ctx) {
        ctx.json(Map.of("pid", ProcessHandle.current().pid(), "thread", Thread.currentThread().getName()));
    }

    private static void echo(Context ctx) {
        ctx.result(ctx.bodyAsBytes());
    }

    /** Answers after a while: a request still in flight when the server is asked to stop. */
    private static void sleep(Context ctx) throws InterruptedException {
        long ms = ctx.queryParamAsClass("ms", Long.class).getOrDefault(1000L);
        LOG.info("sleeping {} ms", ms);
        Thread.sleep(ms);
        ctx.result("slept " + ms + " ms\n");
    }
}
