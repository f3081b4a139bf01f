package dev.herd.handler.jdk;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The program's view of its servers: states, contexts, how a request finds one, executors, stop. */
class HerdHttpServerTest {
    private final Fixture fixture = new Fixture();

    /** Answers 200 with its own name, so that a test sees which context served. */
    private static HttpHandler named(String name) {
        return exchange -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        };
    }

    @ParameterizedTest(name = "{0} is served by {1}")
    @CsvSource({
            "/, root",
            "/other, root",
            "/app, app",
            "/app/, app",
            "/application, app",
            "/app/admin, admin",
            "/app/admin/users, admin",
            "/App/admin, root",
            "/app/admin%2Fx, admin",
            "/a%20b/c, spaced",
            "'/app?admin', app",
    })
    void theLongestMatchingPrefixServesAsOnTheJdk(String uri, String expected) {
        HttpServer server = fixture.server();
        for (String name : new String[] {"admin", "root", "app", "spaced"}) {
            String path = switch (name) {
                case "root" -> "/";
                case "app" -> "/app";
                case "admin" -> "/app/admin";
                default -> "/a b";
            };
            server.createContext(path, named(name));
        }
        server.start();

        assertThat(fixture.get(uri).text()).isEqualTo(expected);
    }

    @Test
    void aPathNoContextMatchesGetsTheJdks404() {
        fixture.serve("/app", named("app"));

        FakeCall call = fixture.get("/other");

        assertThat(call.status()).isEqualTo(404);
        assertThat(call.header("Content-Type")).isEqualTo("text/html");
        assertThat(call.text()).isEqualTo("<h1>404 Not Found</h1>No context found for request");
    }

    @Test
    void aContextWithoutHandlerAnswers500() {
        HttpServer server = fixture.server();
        server.createContext("/");
        server.start();

        FakeCall call = fixture.get("/");

        assertThat(call.status()).isEqualTo(500);
        assertThat(call.text()).isEqualTo("<h1>500 Internal Server Error</h1>No handler for context");
    }

    @Test
    void aTargetThatIsNoUriAnswers400WithoutEchoingIt() {
        fixture.serve("/", named("root"));

        FakeCall call = fixture.get("/<script>");

        assertThat(call.status()).isEqualTo(400);
        assertThat(call.text()).doesNotContain("<script>");
    }

    @Test
    void contextsFollowTheJdksRules() {
        HttpServer server = fixture.server();
        HttpContext app = server.createContext("/app", named("app"));

        assertThatThrownBy(() -> server.createContext("/app")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.createContext("app")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.createContext("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.createContext(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> server.createContext("/x", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> server.removeContext("/nothing")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.removeContext((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> server.removeContext((HttpContext) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> app.setHandler(named("again"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> app.setHandler(null)).isInstanceOf(NullPointerException.class);
        assertThat(app.getServer()).isSameAs(server);
        assertThat(app.getPath()).isEqualTo("/app");
    }

    @Test
    void aRemovedContextNoLongerServesAndItsPathMayBeUsedAgain() {
        HttpServer server = fixture.server();
        HttpContext app = server.createContext("/app", named("first"));
        server.createContext("/", named("root"));
        server.start();

        server.removeContext(app);
        assertThat(fixture.get("/app").text()).isEqualTo("root");
        assertThatThrownBy(() -> server.removeContext(app)).isInstanceOf(IllegalArgumentException.class);

        server.createContext("/app", named("second"));
        assertThat(fixture.get("/app").text()).isEqualTo("second");
        server.removeContext("/app");
        assertThat(fixture.get("/app").text()).isEqualTo("root");
    }

    @Test
    void statesFollowTheJdksRules() throws IOException {
        HttpServer unbound = fixture.server();
        unbound.stop(0);
        assertThatThrownBy(unbound::start).isInstanceOf(IllegalStateException.class);

        HttpServer created = fixture.program.create(null);
        assertThatThrownBy(created::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> created.bind(null, 0)).isInstanceOf(NullPointerException.class);
        created.bind(new InetSocketAddress(9000), 0);
        assertThatThrownBy(() -> created.bind(new InetSocketAddress(9001), 0)).isInstanceOf(BindException.class);
        created.start();
        assertThatThrownBy(created::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> created.setExecutor(Runnable::run)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> created.stop(-1)).isInstanceOf(IllegalArgumentException.class);
        created.stop(0);
        assertThatThrownBy(created::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theAddressIsHerdsWhateverTheProgramAskedFor() {
        HttpServer server = fixture.server();

        assertThat(server.getAddress()).isEqualTo(Fixture.HERD);
        assertThat(new ProgramServers(java.net.UnixDomainSocketAddress.of("/tmp/herd.sock")).create(Fixture.ASKED)
                .getAddress()).isNull();
    }

    @Test
    void exchangesRunOnAVirtualThreadEachByDefault() {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        CompletableFuture<Boolean> counted = new CompletableFuture<>();
        fixture.serve("/", exchange -> {
            ran.complete(Thread.currentThread());
            counted.complete(FakeCall.counted());
            exchange.sendResponseHeaders(204, -1);
        });

        fixture.get("/");

        assertThat(ran.join().isVirtual()).isTrue();
        assertThat(counted.join()).as("running time counted for the loop").isTrue();
        assertThat(fixture.server().getExecutor()).isNull();
    }

    @Test
    void theProgramsExecutorRunsTheExchanges() {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "program-pool"));
        try {
            CompletableFuture<String> ran = new CompletableFuture<>();
            CompletableFuture<Boolean> counted = new CompletableFuture<>();
            HttpServer server = fixture.server();
            server.createContext("/", exchange -> {
                ran.complete(Thread.currentThread().getName());
                counted.complete(FakeCall.counted());
                exchange.sendResponseHeaders(204, -1);
            });
            server.setExecutor(pool);
            server.start();

            fixture.get("/");

            assertThat(ran.join()).isEqualTo("program-pool");
            assertThat(counted.join()).as("running time counted for the loop").isTrue();
            assertThat(server.getExecutor()).isSameAs(pool);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExecutorThatRunsTasksInlineDoesNotRunThemOnTheEventLoop() {
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        CompletableFuture<Boolean> counted = new CompletableFuture<>();
        HttpServer server = fixture.server();
        server.createContext("/", exchange -> {
            onLoop.complete(FakeCall.LOOP.inEventLoop());
            counted.complete(FakeCall.counted());
            exchange.sendResponseHeaders(204, -1);
        });
        server.setExecutor(Runnable::run);
        server.start();
        FakeCall call = FakeCall.request("GET", "/");

        FakeCall.LOOP.execute(() -> fixture.program.serve(call));

        assertThat(call.await().status()).isEqualTo(204);
        assertThat(onLoop.join()).isFalse();
        assertThat(counted.join()).as("running time counted for the loop").isTrue();
    }

    @Test
    void anExecutorThatRefusesTheExchangeAnswers500() {
        HttpServer server = fixture.server();
        server.createContext("/", named("never"));
        server.setExecutor(task -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        });
        server.start();

        assertThat(fixture.get("/").status()).isEqualTo(500);
    }

    @Test
    void startedServersShareHerdsSocketAndOnlyStartedOnesServe() {
        fixture.serve("/api", named("api"));
        fixture.serve("/metrics", named("metrics"));
        fixture.server().createContext("/never", named("never"));

        assertThat(fixture.get("/api/x").text()).isEqualTo("api");
        assertThat(fixture.get("/metrics").text()).isEqualTo("metrics");
        assertThat(fixture.get("/never").status()).isEqualTo(404);
    }

    @Test
    void onTheSamePathTheServerStartedFirstServes() {
        fixture.serve("/", named("first"));
        fixture.serve("/", named("second"));

        assertThat(fixture.get("/").text()).isEqualTo("first");
    }

    @Test
    void stopEndsTheExchangesStillRunningAfterTheDelayAndThen503() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpContext context = fixture.serve("/", exchange -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        FakeCall stuck = FakeCall.request("GET", "/slow");
        fixture.program.serve(stuck);
        entered.await();

        context.getServer().stop(0);

        assertThat(stuck.await().status()).isEqualTo(500);
        assertThat(stuck.failure()).hasMessageContaining("its HttpServer stopped");
        assertThat(fixture.get("/").status()).isEqualTo(503);
        release.countDown();
    }

    @Test
    void stopWaitsForExchangesThatEndWithinTheDelay() throws InterruptedException, IOException {
        CompletableFuture<HttpExchange> kept = new CompletableFuture<>();
        HttpContext context = fixture.serve("/", kept::complete);
        FakeCall call = FakeCall.request("GET", "/");
        fixture.program.serve(call);
        HttpExchange exchange = kept.join();

        Thread stopper = Thread.ofVirtual().start(() -> context.getServer().stop(30));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        // No event says "stop is now waiting": its thread's state does, watched up to the deadline.
        while (stopper.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(stopper.getState()).as("stop waits for the exchange").isEqualTo(Thread.State.TIMED_WAITING);
        exchange.sendResponseHeaders(200, -1);
        stopper.join();

        assertThat(call.await().status()).isEqualTo(200);
        assertThat(call.violations()).isEmpty();
    }
}
