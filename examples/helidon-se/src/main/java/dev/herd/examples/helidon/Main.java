package dev.herd.examples.helidon;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;

/** A plain Helidon SE application: it knows nothing of herd. */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        Config.global(config);
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .routing(Main::routing)
                .build()
                .start();
        LOG.log(System.Logger.Level.INFO, "serving on http://localhost:" + server.port());
    }

    static void routing(HttpRouting.Builder routing) {
        routing.get("/", Main::hello)
                .get("/whoami", Main::whoami)
                .post("/echo", Main::echo)
                .get("/sleep", Main::sleep);
    }

    private static void hello(ServerRequest req, ServerResponse res) {
        res.send("Hello, " + req.query().first("name").orElse("world") + ", from Helidon\n");
    }

    /** Which process answered: under herd, each handler is a JVM of its own. */
    private static void whoami(ServerRequest req, ServerResponse res) {
        res.send(Map.of("pid", ProcessHandle.current().pid(), "thread", Thread.currentThread().getName()));
    }

    private static void echo(ServerRequest req, ServerResponse res) {
        res.send(req.content().as(byte[].class));
    }

    /** Answers after a while: a request still in flight when the server is asked to stop. */
    private static void sleep(ServerRequest req, ServerResponse res) throws InterruptedException {
        long ms = req.query().first("ms").asLong().orElse(1000L);
        LOG.log(System.Logger.Level.INFO, "sleeping " + ms + " ms");
        Thread.sleep(ms);
        res.send("slept " + ms + " ms\n");
    }
}
