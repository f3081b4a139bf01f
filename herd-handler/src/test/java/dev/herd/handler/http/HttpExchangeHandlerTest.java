package dev.herd.handler.http;

import dev.herd.handler.Drain;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The whole HTTP pipeline of {@link HttpPipeline} on an {@link EmbeddedChannel}, with the demo
 * application: raw request bytes in, raw response bytes out. Time is frozen; the one case that
 * waits advances the channel's clock.
 */
class HttpExchangeHandlerTest {
    private static final int MAX_BODY = DemoPipeline.MAX_BODY;

    private final DemoPipeline pipeline = new DemoPipeline();
    private final Scoreboard board = pipeline.board;

    @AfterEach
    void closeScoreboard() {
        pipeline.close();
    }

    /**
     * One request (or several, sent in one write) and what must come back.
     *
     * @param headers expected response headers, compared ignoring case of the value
     */
    record Case(String name, int maxBody, String request, int status, String body, Map<String, String> headers,
                boolean staysOpen) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("GET / says hello", MAX_BODY,
                        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                        200, "Hello, World!", Map.of("content-length", "13"), true),
                new Case("Connection: close is honoured", MAX_BODY,
                        "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                        200, "Hello, World!", Map.of("connection", "close"), false),
                new Case("HTTP/1.0 closes by default", MAX_BODY,
                        "GET / HTTP/1.0\r\n\r\n",
                        200, "Hello, World!", Map.of("connection", "close"), false),
                new Case("HTTP/1.0 keep-alive is confirmed", MAX_BODY,
                        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                        200, "Hello, World!", Map.of("connection", "keep-alive"), true),
                new Case("POST /echo returns the body", MAX_BODY,
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/x-test\r\nContent-Length: 4\r\n\r\nping",
                        200, "ping", Map.of("content-type", "text/x-test", "content-length", "4"), true),
                new Case("chunked POST /echo is aggregated", MAX_BODY,
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "2\r\npi\r\n2\r\nng\r\n0\r\n\r\n",
                        200, "ping", Map.of("content-length", "4"), true),
                new Case("an unknown path is 404", MAX_BODY,
                        "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
                        404, "Not Found\n", Map.of(), true),
                new Case("POST / is 405 with Allow", MAX_BODY,
                        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                        405, "Method Not Allowed\n", Map.of("allow", "GET, HEAD"), true),
                new Case("a negative sleep is 400", MAX_BODY,
                        "GET /sleep?ms=-1 HTTP/1.1\r\nHost: x\r\n\r\n",
                        400, null, Map.of(), true),
                new Case("whoami names the handler", MAX_BODY,
                        "GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n",
                        200, "{\"pid\":" + DemoPipeline.PID + ",\"slot\":0,\"generation\":1,\"thread\":\"" + Thread.currentThread().getName() + "\"}",
                        Map.of("content-type", "application/json"), true),
                new Case("spin names the handler that served it", MAX_BODY,
                        "GET /spin?ms=0 HTTP/1.1\r\nHost: x\r\n\r\n",
                        200, null, Map.of("x-herd-slot", "0", "x-herd-generation", "1"), true),
                new Case("a body over the limit is 413", 16,
                        "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 17\r\n\r\n"
                                + "x".repeat(17),
                        413, null, Map.of(), false),
                new Case("a chunked body over the limit is 413", 16,
                        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n",
                        413, null, Map.of(), false),
                new Case("a request line over the limit is 414", MAX_BODY,
                        "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        414, null, Map.of("connection", "close"), false),
                new Case("a header block over the limit is 431", MAX_BODY,
                        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(17_000) + "\r\n\r\n",
                        431, null, Map.of("connection", "close"), false),
                new Case("a garbage request line is 400", MAX_BODY,
                        "NOT AN HTTP REQUEST\r\n\r\n",
                        400, null, Map.of("connection", "close"), false),
                new Case("a request line of one word is 400", MAX_BODY,
                        "GARBAGE\r\n\r\n",
                        400, null, Map.of("connection", "close"), false)
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answers(Case c) {
        EmbeddedChannel ch = channel(c.maxBody());

        ch.writeInbound(ascii(c.request()));

        List<FullHttpResponse> responses = decode(drainOutbound(ch));
        try {
            assertThat(responses).hasSize(1);
            FullHttpResponse r = responses.getFirst();
            assertThat(r.status().code()).isEqualTo(c.status());
            if (c.body() != null) {
                assertThat(r.content().toString(StandardCharsets.UTF_8)).isEqualTo(c.body());
            }
            assertThat(r.headers().getInt("content-length")).isEqualTo(r.content().readableBytes());
            c.headers().forEach((name, value) ->
                    assertThat(r.headers().get(name)).as(name).isEqualToIgnoringCase(value));
            if (c.staysOpen()) {
                assertThat(r.headers().get("connection")).as("connection").isNotEqualToIgnoringCase("close");
            }
            assertThat(ch.isOpen()).as("open").isEqualTo(c.staysOpen());
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void everyAnswerCarriesADate() {
        EmbeddedChannel ch = channel(MAX_BODY);
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        String raw = drainOutbound(ch);

        assertThat(raw).containsPattern("(?i)\r\ndate: \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aKeepAliveConnectionServesTheNextRequest() {
        EmbeddedChannel ch = channel(MAX_BODY);

        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        String first = drainOutbound(ch);
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(ascii("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
        String second = drainOutbound(ch);

        assertThat(first).startsWith("HTTP/1.1 200 ");
        assertThat(second).startsWith("HTTP/1.1 404 ");
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutTheBody() {
        EmbeddedChannel ch = channel(MAX_BODY);

        ch.writeInbound(ascii("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"));
        String raw = drainOutbound(ch);

        assertThat(raw).startsWith("HTTP/1.1 200 ");
        assertThat(raw).containsIgnoringCase("\r\ncontent-length: 13\r\n");
        assertThat(raw).endsWith("\r\n\r\n").doesNotContain("Hello");
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void pipelinedResponsesGoOutInRequestOrder() {
        EmbeddedChannel ch = channel(MAX_BODY);

        ch.writeInbound(ascii("GET /sleep?ms=100 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        // "/" is answered at once by the application, yet must wait for the earlier request.
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(board.read(0).inFlight()).isEqualTo(1);
        assertThat(board.read(0).stateName()).isEqualTo("busy");

        ch.advanceTimeBy(99, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.outboundMessages()).isEmpty();

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        List<FullHttpResponse> responses = decode(drainOutbound(ch));
        try {
            assertThat(responses).extracting(r -> r.content().toString(StandardCharsets.UTF_8))
                    .containsExactly("slept 100 ms\n", "Hello, World!");
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(board.read(0).inFlight()).isZero();
        assertThat(board.read(0).requests()).isEqualTo(2);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aPipelinedOversizedBodyIsAnsweredInItsTurn() {
        EmbeddedChannel ch = channel(16);

        ch.writeInbound(ascii("GET /sleep?ms=100 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + "x".repeat(17)));

        // The 413 is owed after the sleep's response: written earlier, the client would take it for that one.
        assertThat(ch.outboundMessages()).isEmpty();

        ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        List<FullHttpResponse> responses = decode(drainOutbound(ch));
        try {
            assertThat(responses).extracting(r -> r.status().code()).containsExactly(200, 413);
            assertThat(responses.getLast().headers().get("connection")).isEqualToIgnoringCase("close");
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
        assertThat(ch.isOpen()).isFalse();
        assertThat(board.read(0).requests()).isEqualTo(2);
        assertThat(board.read(0).inFlight()).isZero();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aDrainingHandlerClosesAfterTheNextResponse() {
        EmbeddedChannel ch = channel(MAX_BODY);
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(drainOutbound(ch)).doesNotContainIgnoringCase("connection: close");
        assertThat(ch.isOpen()).isTrue();

        pipeline.draining = true;
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        String raw = drainOutbound(ch);

        assertThat(raw).startsWith("HTTP/1.1 200 ").containsIgnoringCase("\r\nconnection: close\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void drainingWhileARequestIsInFlightClosesAfterItsResponse() {
        EmbeddedChannel ch = channel(MAX_BODY);
        ch.writeInbound(ascii("GET /sleep?ms=50 HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(ch.outboundMessages()).isEmpty();

        pipeline.draining = true;
        ch.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        String raw = drainOutbound(ch);

        assertThat(raw).startsWith("HTTP/1.1 200 ").containsIgnoringCase("\r\nconnection: close\r\n")
                .endsWith("slept 50 ms\n");
        assertThat(ch.isOpen()).isFalse();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void theScoreboardCountsAnsweredRequests() {
        EmbeddedChannel ch = channel(MAX_BODY);

        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"));
        List<FullHttpResponse> responses = decode(drainOutbound(ch));
        try {
            assertThat(responses).extracting(r -> r.status().code()).containsExactly(200, 404, 200);
        } finally {
            responses.forEach(FullHttpResponse::release);
        }

        SlotSnapshot s = board.read(0);
        assertThat(s.requests()).isEqualTo(3);
        assertThat(s.inFlight()).isZero();
        assertThat(s.stateName()).isEqualTo("idle");
        assertFalse(ch.finishAndReleaseAll());
    }

    /** What a client does some time after the handler began to drain, and whether its connection is open then. */
    record Step(long atMillis, String send, boolean open) {
    }

    /**
     * @param servedBefore whether the connection carried a keep-alive exchange before the drain
     * @param responses    how many responses come after the drain (each with {@code Connection: close})
     */
    record DrainCase(String name, boolean servedBefore, List<Step> steps, int responses) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DrainCase> drainCases() {
        long grace = dev.herd.handler.Drain.GRACE.toMillis();
        String get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        return Stream.of(
                new DrainCase("an idle keep-alive connection is closed after the grace", true,
                        List.of(new Step(grace - 1, "", true), new Step(grace, "", false)), 0),
                new DrainCase("a fresh connection that sends nothing is closed after the grace", false,
                        List.of(new Step(grace - 1, "", true), new Step(grace, "", false)), 0),
                new DrainCase("a keep-alive client's next request within the grace is answered with close", true,
                        List.of(new Step(grace - 1, get, false)), 1),
                new DrainCase("a fresh connection's first request within the grace is answered with close", false,
                        List.of(new Step(grace / 2, get, false)), 1),
                new DrainCase("a request arriving in parts across the grace is answered with close", true,
                        List.of(new Step(grace / 2, "GET / HTTP/1.1\r\nHo", true), new Step(grace, "", true),
                                new Step(grace + grace / 2, "st: x\r\n\r\n", false)), 1),
                new DrainCase("a client that stops mid-request is closed after a whole grace of silence", true,
                        List.of(new Step(grace / 2, "GET / HTTP/1.1\r\nHo", true), new Step(grace, "", true),
                                new Step(2 * grace - 1, "", true), new Step(2 * grace, "", false)), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drainCases")
    void drainingNeverCostsAClientItsRequest(DrainCase c) {
        EmbeddedChannel ch = channel(MAX_BODY);
        if (c.servedBefore()) {
            ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertThat(drainOutbound(ch)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
        }
        pipeline.draining = true;
        drain(ch);

        StringBuilder raw = new StringBuilder();
        long now = 0;
        for (Step step : c.steps()) {
            ch.advanceTimeBy(step.atMillis() - now, TimeUnit.MILLISECONDS);
            now = step.atMillis();
            ch.runScheduledPendingTasks();
            if (!step.send().isEmpty()) {
                ch.writeInbound(ascii(step.send()));
                ch.runPendingTasks();
            }
            raw.append(drainOutbound(ch));
            assertThat(ch.isOpen()).as("open at %d ms", step.atMillis()).isEqualTo(step.open());
        }

        List<FullHttpResponse> responses = decode(raw.toString());
        try {
            assertThat(responses).hasSize(c.responses());
            assertThat(responses).allSatisfy(r -> {
                assertThat(r.status().code()).isEqualTo(200);
                assertThat(r.headers().get("connection")).isEqualToIgnoringCase("close");
            });
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
        assertFalse(ch.finishAndReleaseAll());
    }

    // ---- helpers ----

    private static void drain(EmbeddedChannel ch) {
        ch.pipeline().fireUserEventTriggered(Drain.INSTANCE);
        ch.runPendingTasks();
    }

    private EmbeddedChannel channel(int maxBody) {
        return pipeline.channel(maxBody);
    }

    private static ByteBuf ascii(String text) {
        return DemoPipeline.ascii(text);
    }

    private static String drainOutbound(EmbeddedChannel ch) {
        return DemoPipeline.drainOutbound(ch);
    }

    private static List<FullHttpResponse> decode(String raw) {
        return DemoPipeline.decode(raw);
    }
}
