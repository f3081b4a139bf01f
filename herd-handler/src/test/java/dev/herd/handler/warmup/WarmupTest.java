package dev.herd.handler.warmup;

import dev.herd.api.Dispatch;
import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;
import dev.herd.api.WarmupRequest;
import dev.herd.config.Settings.Accept;
import dev.herd.config.Settings.Transport;
import dev.herd.handler.accept.SharedSocket;
import dev.herd.handler.app.ApiHttpService;
import dev.herd.handler.http.HttpPipeline;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up on real event loops and private sockets of each transport, accept strategy and
 * address family: every round is served, the application gets exactly its own requests (bodies
 * intact) on the loops, and nothing of the warm-up is left behind.
 */
class WarmupTest {
    private static final int LOOPS = 2;
    private static final HandlerContext CONTEXT = new HandlerContext(ProcessHandle.current().pid(), 0, 1, List.of());
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private MultiThreadIoEventLoopGroup group;

    /** The shared socket the warm-up's private ones are made like. */
    record Like(Transport transport, Accept accept, boolean unixDomain) {
        SharedSocket socket() {
            return new SharedSocket(transport, accept, null, -1, unixDomain);
        }
    }

    static Stream<Like> sockets() {
        return Stream.of(new Like(Transport.NIO, Accept.HERD, false), new Like(Transport.EPOLL, Accept.HERD, false),
                new Like(Transport.EPOLL, Accept.EXCLUSIVE, false), new Like(Transport.NIO, Accept.HERD, true),
                new Like(Transport.EPOLL, Accept.HERD, true));
    }

    @AfterEach
    void close() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sockets")
    void everyRoundIsServedAndTheApplicationGetsItsOwnRequestsOnTheLoops(Like like) throws Exception {
        Recording app = new Recording(Response.text("ok"));
        List<WarmupRequest> requests = List.of(WarmupRequest.get("/a?x=1"),
                WarmupRequest.post("/b", "text/plain; charset=utf-8", "grüß dich"));

        Warmup.Outcome outcome = Warmup.run(loops(like.transport()), like.socket(), CONTEXT, pipeline(app),
                requests, 20, LIMIT, new Hurry());

        assertThat(outcome.cutShort()).isFalse();
        assertThat(outcome.rounds()).isEqualTo(20);
        assertThat(outcome.herd()).as("4 kept and 1 closing request per round").isEqualTo(100);
        assertThat(outcome.application()).isEqualTo(40);
        assertThat(outcome.failed()).isZero();
        assertThat(app.seen).containsOnlyKeys("GET /a?x=1 ", "POST /b grüß dich");
        assertThat(app.seen.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(20));
        assertThat(app.threads).allSatisfy(name -> assertThat(name).startsWith("loop-"));
        assertThat(outcome.describe()).startsWith("warmed up in ")
                .endsWith(": 20 rounds, 140 requests (40 of the application's)");
        assertThat(leftSocketFiles()).isEmpty();
    }

    @Test
    void withoutRequestsOfItsOwnTheApplicationIsNeverCalled() {
        Recording app = new Recording(Response.text("ok"));

        Warmup.Outcome outcome = Warmup.run(loops(Transport.EPOLL), new Like(Transport.EPOLL, Accept.HERD, false).socket(),
                CONTEXT, pipeline(app), List.of(), 10, LIMIT, new Hurry());

        assertThat(outcome.herd()).isEqualTo(50);
        assertThat(outcome.application()).isZero();
        assertThat(app.seen).isEmpty();
        assertThat(outcome.describe()).endsWith(": 10 rounds, 50 requests");
    }

    @Test
    void anApplicationThatRefusesItsWarmupIsNotAFailureOfTheWarmup() {
        Recording app = new Recording(Response.text(503, "not yet"));

        Warmup.Outcome outcome = Warmup.run(loops(Transport.EPOLL), new Like(Transport.EPOLL, Accept.HERD, false).socket(),
                CONTEXT, pipeline(app), List.of(WarmupRequest.get("/")), 5, LIMIT, new Hurry());

        assertThat(outcome.application()).isEqualTo(5);
        assertThat(outcome.failed()).isZero();
    }

    @Test
    void aWarmupThatOutlivesItsLimitIsCutShortAndTheHandlerGoesOn() {
        // Stuck until the test is over (bounded, should the warm-up never give up on it).
        java.util.concurrent.CountDownLatch over = new java.util.concurrent.CountDownLatch(1);
        HttpApp stuck = new HttpApp() {
            @Override
            public Response handle(Request request) throws Exception {
                over.await(30, java.util.concurrent.TimeUnit.SECONDS);
                return Response.text("late");
            }
        };
        long start = System.nanoTime();

        Warmup.Outcome outcome;
        try {
            outcome = Warmup.run(loops(Transport.EPOLL), new Like(Transport.EPOLL, Accept.HERD, false).socket(),
                    CONTEXT, pipeline(stuck), List.of(WarmupRequest.get("/stuck")), 1_000, Duration.ofMillis(300), new Hurry());
        } finally {
            over.countDown();
        }

        assertThat(outcome.cutShort()).isTrue();
        assertThat(outcome.rounds()).isZero();
        assertThat(outcome.describe()).startsWith("warm-up cut short by --warmup-time after ");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aHurryDuringTheWarmupEndsItAfterTheRequestsInFlight() throws Exception {
        Hurry hurry = new Hurry();
        // The application's 30th warm-up request asks for the hurry, as the spawner's signal would.
        AtomicInteger calls = new AtomicInteger();
        HttpApp app = request -> {
            if (calls.incrementAndGet() == 30) {
                hurry.request();
            }
            return Response.text("ok");
        };

        Warmup.Outcome outcome = Warmup.run(loops(Transport.EPOLL), new Like(Transport.EPOLL, Accept.HERD, false).socket(),
                CONTEXT, pipeline(app), List.of(WarmupRequest.get("/")), 100_000, LIMIT, hurry);

        assertThat(outcome.ending()).isEqualTo(Warmup.Ending.HURRIED);
        assertThat(outcome.rounds()).isBetween(1, 1_000);
        assertThat(outcome.failed()).as("connections closed by the hurry are not failures").isZero();
        assertThat(outcome.describe()).startsWith("warm-up cut short after ").contains("joins now");
        assertThat(leftSocketFiles()).isEmpty();
    }

    @Test
    void aHurryBeforeTheWarmupSkipsIt() {
        Recording app = new Recording(Response.text("ok"));
        Hurry hurry = new Hurry();
        hurry.request();

        Warmup.Outcome outcome = Warmup.run(loops(Transport.EPOLL), new Like(Transport.EPOLL, Accept.HERD, false).socket(),
                CONTEXT, pipeline(app), List.of(WarmupRequest.get("/")), 100, LIMIT, hurry);

        assertThat(outcome.ending()).isEqualTo(Warmup.Ending.HURRIED);
        assertThat(outcome.rounds()).isZero();
        assertThat(app.seen).isEmpty();
    }

    @Test
    void aRequestGoesOnTheWireWithHostAndALengthForItsBody() {
        String get = new String(Warmup.encode(WarmupRequest.get("/x?y=1")), StandardCharsets.UTF_8);
        String post = new String(Warmup.encode(new WarmupRequest("PUT", "/doc",
                dev.herd.api.Headers.of("Content-Type", "application/json", "X-Trace", "warm"),
                "{}".getBytes(StandardCharsets.UTF_8))), StandardCharsets.UTF_8);

        assertThat(get).isEqualTo("GET /x?y=1 HTTP/1.1\r\nHost: herd\r\n\r\n");
        assertThat(post).isEqualTo("PUT /doc HTTP/1.1\r\nHost: herd\r\nContent-Type: application/json\r\n"
                + "X-Trace: warm\r\nContent-Length: 2\r\n\r\n{}");
    }

    private List<IoEventLoop> loops(Transport transport) {
        AtomicInteger number = new AtomicInteger();
        group = new MultiThreadIoEventLoopGroup(LOOPS,
                (java.util.concurrent.ThreadFactory) r -> new FastThreadLocalThread(r, "loop-" + number.getAndIncrement()),
                new Like(transport, Accept.HERD, false).socket().ioHandlers());
        List<IoEventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((IoEventLoop) executor));
        return loops;
    }

    private static HttpPipeline pipeline(HttpApp app) {
        try {
            return new HttpPipeline(ApiHttpService.of(app, WarmupTest.class.getClassLoader()), 8192, 16384, 1 << 20,
                    HttpPipeline.KeepAlive.idleTimeout(Duration.ofSeconds(5)));
        } catch (dev.herd.handler.app.BootFailure e) {
            throw new AssertionError(e);
        }
    }

    private static List<Path> leftSocketFiles() throws IOException {
        String prefix = "herd-warmup-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /** Answers {@code answer} on the event loop, counting each request by method, target and body. */
    private static final class Recording implements HttpApp {
        final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Response answer;

        Recording(Response answer) {
            this.answer = answer;
        }

        @Override
        public Response handle(Request request) {
            String key = request.method() + " " + request.target() + " " + new String(request.body(), StandardCharsets.UTF_8);
            seen.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            threads.add(Thread.currentThread().getName());
            return answer;
        }

        @Override
        public Dispatch dispatch() {
            return Dispatch.EVENT_LOOP;
        }
    }
}
