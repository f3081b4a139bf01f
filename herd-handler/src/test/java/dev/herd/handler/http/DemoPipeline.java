package dev.herd.handler.http;

import dev.herd.api.HandlerContext;
import dev.herd.handler.Outbound;
import dev.herd.handler.app.ApiHttpService;
import dev.herd.handler.app.BootFailure;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.demo.DemoApp;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;
import dev.herd.time.MonotonicClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The whole HTTP pipeline of {@link HttpPipeline} with the demo application, on
 * {@link EmbeddedChannel}s with frozen time, and one real scoreboard slot for the loop's counters.
 */
final class DemoPipeline implements AutoCloseable {
    static final long PID = 4242;
    static final int MAX_BODY = 1024 * 1024;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);

    final Scoreboard board = Scoreboard.create(1, 1);
    final Scoreboard.SlotWriter slot = board.writer(0, 1);
    /** What the loop's connections see as the handler's state. */
    volatile boolean draining;
    /** Open connections per loop over the pool, as the scoreboard would say. */
    volatile double meanOfReadyLoops;

    DemoPipeline() {
        slot.begin(PID, 1, 0);
        slot.state(SlotState.READY);
    }

    /** A connection with the default limits. */
    EmbeddedChannel channel(int maxBody) {
        EmbeddedChannel ch = frozen();
        return connect(ch, loop(ch), maxBody, HttpPipeline.KeepAlive.idleTimeout(IDLE_TIMEOUT));
    }

    /** A connection with these keep-alive limits. */
    EmbeddedChannel channel(HttpPipeline.KeepAlive keepAlive) {
        EmbeddedChannel ch = frozen();
        return connect(ch, loop(ch), MAX_BODY, keepAlive);
    }

    /** A connection with these keep-alive limits and request deadlines. */
    EmbeddedChannel channel(HttpPipeline.KeepAlive keepAlive, HttpPipeline.Deadlines deadlines) {
        EmbeddedChannel ch = frozen();
        new HttpPipeline(demo(), 8192, 16384, MAX_BODY, keepAlive, deadlines).configure(ch, loop(ch));
        return ch;
    }

    /** A channel whose clock moves only when the test advances it. */
    static EmbeddedChannel frozen() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        return ch;
    }

    /** The loop of {@code ch}: its clock is the loop's. */
    ServingLoop loop(EmbeddedChannel ch) {
        return new ServingLoop(ch.eventLoop(), slot.loop(0), new HandlerContext(PID, 0, 1, List.of()),
                () -> draining, new BusyTime(MonotonicClock.SYSTEM), () -> meanOfReadyLoops);
    }

    /** Configures {@code ch} as a connection of {@code loop}. */
    EmbeddedChannel connect(EmbeddedChannel ch, ServingLoop loop, int maxBody, HttpPipeline.KeepAlive keepAlive) {
        new HttpPipeline(demo(), 8192, 16384, maxBody, keepAlive).configure(ch, loop);
        return ch;
    }

    private static HttpService demo() {
        try {
            return ApiHttpService.of(new DemoApp(), DemoApp.class.getClassLoader());
        } catch (BootFailure e) {
            throw new AssertionError(e);
        }
    }

    static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /** Everything written so far, as text; each buffer is released. */
    static String drainOutbound(EmbeddedChannel ch) {
        return Outbound.text(ch);
    }

    /** Parses raw response bytes the way a client would. */
    static List<FullHttpResponse> decode(String raw) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(MAX_BODY));
        client.writeInbound(ascii(raw));
        List<FullHttpResponse> responses = new ArrayList<>();
        for (Object msg; (msg = client.readInbound()) != null; ) {
            FullHttpResponse response = (FullHttpResponse) msg;
            assertThat(response.decoderResult().isSuccess()).as("well-formed response").isTrue();
            responses.add(response);
        }
        assertFalse(client.finishAndReleaseAll());
        return responses;
    }

    @Override
    public void close() {
        board.close();
    }
}
