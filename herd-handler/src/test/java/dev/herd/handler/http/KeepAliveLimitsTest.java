package dev.herd.handler.http;

import dev.herd.scoreboard.SlotSnapshot;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * When the pipeline ends a keep-alive connection on purpose ({@link KeepAliveLimits}): the request
 * limit, the age limit, and a loop holding more than its fair share. Raw requests in, the
 * {@code Connection} header of every response out, and the counts on the loop's scoreboard line.
 */
class KeepAliveLimitsTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final Duration IDLE = DemoPipeline.IDLE_TIMEOUT;

    private final DemoPipeline pipeline = new DemoPipeline();

    @AfterEach
    void close() {
        pipeline.close();
    }

    /**
     * @param connections     open connections of the loop
     * @param mean            open connections per loop over the pool
     * @param advanceMillis   how far the clock moves before each write
     * @param writes          what the client sends, one write after the other, each once the answers
     *                        to the previous are in
     * @param closes          for each response in order, whether it says {@code Connection: close}
     */
    record Case(String name, HttpPipeline.KeepAlive keepAlive, long connections, double mean, long advanceMillis,
                List<String> writes, List<Boolean> closes, long limitCloses, long rebalanceCloses) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static HttpPipeline.KeepAlive requests(long n) {
        return new HttpPipeline.KeepAlive(IDLE, n, Duration.ZERO);
    }

    private static List<String> gets(int n) {
        return Collections.nCopies(n, GET);
    }

    private static List<Boolean> closingLast(int responses) {
        return Stream.concat(Collections.nCopies(responses - 1, false).stream(), Stream.of(true)).toList();
    }

    static Stream<Case> cases() {
        HttpPipeline.KeepAlive none = HttpPipeline.KeepAlive.idleTimeout(IDLE);
        return Stream.of(
                new Case("the Nth response ends the connection", requests(3), 1, 1, 0,
                        gets(3), closingLast(3), 1, 0),
                new Case("without a request limit the connection goes on", none, 1, 1, 0,
                        gets(5), Collections.nCopies(5, false), 0, 0),
                new Case("the first response after the age ends the connection",
                        new HttpPipeline.KeepAlive(IDLE, 0, Duration.ofSeconds(10)), 1, 1, 4_000,
                        gets(3), closingLast(3), 1, 0),
                new Case("requests pipelined behind the ending response are not processed (RFC 9112 §9.6)",
                        requests(2), 1, 1, 0, List.of(GET + GET + GET), closingLast(2), 1, 0),
                new Case("HTTP/1.0 keep-alive ends at the limit too", requests(1), 1, 1, 0,
                        List.of("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), List.of(true), 1, 0),
                new Case("a connection its client ends is not counted", requests(1), 1, 1, 0,
                        List.of("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), List.of(true), 0, 0),
                new Case("a loop over its fair share asks a client to reconnect", none, 10, 2, 0,
                        gets(1), List.of(true), 0, 1),
                new Case("a loop within its fair share keeps its clients", none, 6, 4, 0,
                        gets(3), Collections.nCopies(3, false), 0, 0),
                new Case("a limit reached by a loop over its share counts as a limit only", requests(1), 10, 2, 0,
                        gets(1), List.of(true), 1, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void endsKeepAliveConnectionsOnPurposeAfterAWholeResponse(Case c) {
        for (long i = 0; i < c.connections(); i++) {
            pipeline.slot.loop(0).connectionOpened();
        }
        pipeline.meanOfReadyLoops = c.mean();
        EmbeddedChannel ch = pipeline.channel(c.keepAlive());

        StringBuilder raw = new StringBuilder();
        for (String write : c.writes()) {
            ch.advanceTimeBy(c.advanceMillis(), TimeUnit.MILLISECONDS);
            ch.writeInbound(DemoPipeline.ascii(write));
            ch.runPendingTasks();
            raw.append(DemoPipeline.drainOutbound(ch));
        }

        List<FullHttpResponse> responses = DemoPipeline.decode(raw.toString());
        try {
            assertThat(responses).extracting(r -> r.status().code()).allMatch(code -> code == 200);
            assertThat(responses).extracting(KeepAliveLimitsTest::closes).containsExactlyElementsOf(c.closes());
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
        assertThat(ch.isOpen()).as("open").isEqualTo(!c.closes().getLast());
        SlotSnapshot s = pipeline.board.read(0);
        assertThat(s.limitCloses()).as("limit closes").isEqualTo(c.limitCloses());
        assertThat(s.rebalanceCloses()).as("rebalance closes").isEqualTo(c.rebalanceCloses());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aResponseWithAPipelinedRequestWaitingBehindItKeepsTheConnection() {
        EmbeddedChannel ch = pipeline.channel(requests(1));
        ch.writeInbound(DemoPipeline.ascii("GET /sleep?ms=10 HTTP/1.1\r\nHost: x\r\n\r\n" + GET));
        ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        List<FullHttpResponse> responses = DemoPipeline.decode(DemoPipeline.drainOutbound(ch));
        try {
            assertThat(responses).extracting(r -> r.status().code()).containsExactly(200, 200);
            assertThat(responses).extracting(KeepAliveLimitsTest::closes).containsExactly(false, true);
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
        assertThat(ch.isOpen()).isFalse();
        assertThat(pipeline.board.read(0).limitCloses()).isEqualTo(1);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aLoopOverItsShareAsksAtMostOneClientPerInterval() {
        for (int i = 0; i < 10; i++) {
            pipeline.slot.loop(0).connectionOpened();
        }
        pipeline.meanOfReadyLoops = 2;
        EmbeddedChannel first = DemoPipeline.frozen();
        ServingLoop loop = pipeline.loop(first);
        EmbeddedChannel second = DemoPipeline.frozen();
        HttpPipeline.KeepAlive none = HttpPipeline.KeepAlive.idleTimeout(IDLE);
        pipeline.connect(first, loop, DemoPipeline.MAX_BODY, none);
        pipeline.connect(second, loop, DemoPipeline.MAX_BODY, none);

        assertThat(get(first)).as("first connection").isTrue();
        assertThat(get(second)).as("second, at once").isFalse();
        // The loop's clock is the first channel's.
        first.advanceTimeBy(Rebalancing.INTERVAL.toMillis() - 1, TimeUnit.MILLISECONDS);
        assertThat(get(second)).as("second, just before the interval is over").isFalse();
        first.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        assertThat(get(second)).as("second, after the interval").isTrue();

        assertThat(pipeline.board.read(0).rebalanceCloses()).isEqualTo(2);
        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isFalse();
        assertFalse(first.finishAndReleaseAll());
        assertFalse(second.finishAndReleaseAll());
    }

    /** Sends one GET on {@code ch}; returns whether its response ends the connection. */
    private static boolean get(EmbeddedChannel ch) {
        ch.writeInbound(DemoPipeline.ascii(GET));
        ch.runPendingTasks();
        List<FullHttpResponse> responses = DemoPipeline.decode(DemoPipeline.drainOutbound(ch));
        try {
            assertThat(responses).hasSize(1);
            return closes(responses.getFirst());
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
    }

    private static boolean closes(FullHttpResponse response) {
        return "close".equalsIgnoreCase(response.headers().get("connection"));
    }
}
