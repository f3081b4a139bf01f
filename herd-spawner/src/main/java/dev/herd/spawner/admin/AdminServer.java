package dev.herd.spawner.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herd.config.AdminToken;
import dev.herd.spawner.PoolView;
import dev.herd.spawner.ReloadOutcome;
import dev.herd.spawner.Spawner;
import dev.herd.time.MonotonicClock;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Status and control over HTTP, served by the spawner on its own address (loopback by default),
 * so that it answers even when every handler is saturated: {@code GET /status} (the dashboard,
 * which polls {@code GET /status.json} and {@code GET /history.json}), {@code GET /metrics},
 * {@code POST /scale?handlers=N|auto}, {@code POST /reload}, {@code POST /reopen-logs},
 * {@code POST /stop}. With a token ({@code --admin-token}) every request must
 * carry it, or it gets 401.
 *
 * <p>Uses the JDK's own HTTP server: the spawner stays small and free of Netty. Each exchange
 * runs on a virtual thread of its own, so a reload waiting for its new generation does not hold
 * up the status page.
 */
public final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    /** How long {@code POST /reload} waits for the reload to end. */
    private static final Duration RELOAD_WAIT = Duration.ofMinutes(15);
    /** A spawner loop without a pass for this long is not alive ({@code /livez}); it passes every second. */
    private static final Duration LIVENESS = Duration.ofSeconds(10);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Spawner spawner;
    private final MonotonicClock clock;
    private final Optional<String> token;
    private final History history = new History();
    private final java.util.concurrent.ScheduledExecutorService sampler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("admin-history").factory());

    private AdminServer(HttpServer server, ExecutorService executor, Spawner spawner, MonotonicClock clock,
                        Optional<String> token) {
        this.server = server;
        this.executor = executor;
        this.spawner = spawner;
        this.clock = clock;
        this.token = token;
    }

    /**
     * Binds and starts serving; throws if the address cannot be bound.
     *
     * @param token the secret every request must carry ({@code --admin-token}), or empty for none
     */
    public static AdminServer start(InetSocketAddress address, Spawner spawner, MonotonicClock clock,
                                    Optional<String> token) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("admin-", 0).factory());
        server.setExecutor(executor);
        AdminServer admin = new AdminServer(server, executor, spawner, clock, token);
        admin.sampler.scheduleAtFixedRate(admin::sample, 0, 1, TimeUnit.SECONDS);
        server.createContext("/", admin::handle);
        server.start();
        return admin;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** A failure answers 500 (unless the answer had begun), logged with its trace; the spawner goes on. */
    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                if (probe(exchange)) {
                    return;
                }
                if (token.isPresent() && !AdminToken.authorizes(
                        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")), token.get())) {
                    // Basic first: a browser then asks for it (any user name, the token as password).
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"herd admin\", charset=\"UTF-8\"");
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"herd admin\"");
                    send(exchange, 401, "text/plain", "this herd's admin needs its token (--admin-token): "
                            + "Authorization: Bearer TOKEN\n", null);
                    return;
                }
                route(exchange);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "admin " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI() + " failed", e);
                if (exchange.getResponseCode() == -1) {
                    send(exchange, 500, "text/plain", "internal error: " + e + "\n", null);
                }
            }
        }
    }

    /**
     * {@code GET /livez} and {@code GET /readyz}, answered without the token: they tell only
     * "ok" or why not, and an orchestrator's probes cannot carry a secret. Live: the spawner loop
     * made a pass within {@link #LIVENESS}. Ready: not stopping, and a handler accepts.
     */
    private boolean probe(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/livez") && !path.equals("/readyz")) {
            return false;
        }
        String why = null;
        if (!spawner.loopAlive(LIVENESS)) {
            why = "the spawner loop has made no pass for " + LIVENESS.toSeconds() + " s";
        } else if (path.equals("/readyz")) {
            PoolView pool = spawner.view();
            if (pool.stopping()) {
                why = "stopping";
            } else if (pool.handlers().stream().noneMatch(h -> h.phase().equals("ready") || h.phase().equals("retiring"))) {
                why = "no handler accepts yet";
            }
        }
        String answer = why == null ? "ok\n" : why + "\n";
        if (why == null) {
            get(exchange, exchange.getRequestMethod(), "text/plain", () -> answer);
        } else {
            send(exchange, 503, "text/plain", answer, null);
        }
        return true;
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/status.json" -> get(exchange, method, "application/json", () -> document().json());
            case "/status", "/" -> page(exchange, method, "dashboard.html", "text/html; charset=utf-8");
            case "/dashboard.js" -> page(exchange, method, "dashboard.js", "text/javascript; charset=utf-8");
            case "/dashboard.css" -> page(exchange, method, "dashboard.css", "text/css; charset=utf-8");
            case "/history.json" -> get(exchange, method, "application/json",
                    () -> History.json(history.since(sinceParameter(exchange))));
            case "/metrics" -> get(exchange, method, Metrics.CONTENT_TYPE, () -> Metrics.render(document()));
            case "/stop" -> accepted(exchange, method, () -> spawner.requestStop("admin POST /stop"), "stopping");
            case "/reopen-logs" -> accepted(exchange, method, () -> spawner.requestReopenLogs("admin POST /reopen-logs"),
                    "handlers open their log files again within a second");
            case "/scale" -> scale(exchange, method);
            case "/reload" -> reload(exchange, method);
            default -> send(exchange, 404, "text/plain", "Not Found\n", null);
        }
    }

    /** A POST that asks the spawner for {@code action} and answers 202 with {@code answer}; anything else 405. */
    private static void accepted(HttpExchange exchange, String method, Runnable action, String answer) throws IOException {
        if (!method.equals("POST")) {
            send(exchange, 405, "text/plain", "use POST\n", "POST");
            return;
        }
        action.run();
        send(exchange, 202, "text/plain", answer + "\n", null);
    }

    /** {@code POST /scale?handlers=N} fixes the target; {@code handlers=auto} gives it back to the policy. */
    private void scale(HttpExchange exchange, String method) throws IOException {
        if (!method.equals("POST")) {
            send(exchange, 405, "text/plain", "use POST /scale?handlers=N|auto\n", "POST");
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        String value = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("handlers=")) {
                    value = pair.substring("handlers=".length());
                }
            }
        }
        if (value == null) {
            send(exchange, 400, "text/plain", "missing handlers=N|auto\n", null);
            return;
        }
        try {
            java.util.OptionalInt handlers = value.equals("auto") ? java.util.OptionalInt.empty()
                    : java.util.OptionalInt.of(Integer.parseInt(value));
            spawner.requestScale(handlers, "admin POST /scale");
            send(exchange, 202, "text/plain", handlers.isPresent()
                    ? "target " + handlers.getAsInt() + " handlers, fixed until handlers=auto\n"
                    : "target back to the scaling policy\n", null);
        } catch (NumberFormatException e) {
            send(exchange, 400, "text/plain", "handlers must be a whole number or auto\n", null);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", e.getMessage() + "\n", null);
        }
    }

    /**
     * {@code POST /reload}: answers once the reload ended — 200 when the new generation serves,
     * 409 when the old one still does — with a JSON body saying which generation serves and why.
     */
    private void reload(HttpExchange exchange, String method) throws IOException {
        if (!method.equals("POST")) {
            send(exchange, 405, "text/plain", "use POST\n", "POST");
            return;
        }
        ReloadOutcome outcome;
        try {
            // The spawner ends every reload: the new generation's boot is bounded by --boot-timeout.
            outcome = spawner.requestReload("admin POST /reload").get(RELOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(exchange, 503, "text/plain", "interrupted\n", null);
            return;
        } catch (ExecutionException | TimeoutException e) {
            send(exchange, 504, "text/plain", "the reload did not end within " + RELOAD_WAIT.toMinutes()
                    + " minutes; see /status.json\n", null);
            return;
        }
        send(exchange, outcome instanceof ReloadOutcome.Reloaded ? 200 : 409, "application/json",
                StatusDocument.json(outcome), null);
    }

    private void get(HttpExchange exchange, String method, String type, java.util.function.Supplier<String> body)
            throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            send(exchange, 405, "text/plain", "use GET\n", "GET, HEAD");
            return;
        }
        send(exchange, 200, type, body.get(), null);
    }

    private static void send(HttpExchange exchange, int status, String type, String body, String allow)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (allow != null) {
            exchange.getResponseHeaders().set("Allow", allow);
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** A sample for the dashboard's charts; a failure is logged and the next second tries again. */
    private void sample() {
        try {
            history.add(History.Sample.of(document(), System.currentTimeMillis()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "dashboard history sample failed", e);
        }
    }

    private static long sinceParameter(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("since=")) {
                    try {
                        return Long.parseLong(pair.substring("since=".length()));
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
        }
        return 0;
    }

    /**
     * One of the dashboard's files, from this module's resources. The page may load only its own
     * files and data, and may not be framed by another site (its buttons change the server).
     */
    private void page(HttpExchange exchange, String method, String resource, String type) throws IOException {
        exchange.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        get(exchange, method, type, () -> {
            try (java.io.InputStream in = AdminServer.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard's " + resource + " is missing from herd's jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    StatusDocument document() {
        PoolView pool = spawner.view();
        List<StatusDocument.Handler> handlers = pool.handlers().stream()
                .map(e -> new StatusDocument.Handler(e, spawner.scoreboard().read(e.slot()),
                        StatusDocument.rssBytes(e.pid()), e.busy()))
                .toList();
        var socket = spawner.socket();
        return new StatusDocument(pool, socket.address().toString(),
                socket.origin().name().toLowerCase(java.util.Locale.ROOT), spawner.queueDepth(), handlers,
                spawner.events().recent(), clock.nanoTime());
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        server.stop(0);
        executor.shutdownNow();
    }
}
