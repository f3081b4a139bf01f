package dev.herd.handler.http;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The connection timeouts. The keep-alive timeout and the body timeout are enforced by one sweep
 * per loop: a connection waiting for its next request longer than the keep-alive timeout is
 * closed (within a period of the sweep after it); one that reads, or has a request under way, is
 * not; a client that stops sending a body it owes gets 408. The head's deadline runs from its
 * first byte, however the client trickles the rest. Time is the loop's, moved by the test.
 */
class IdleSweepTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private final DemoPipeline pipeline = new DemoPipeline();

    @AfterEach
    void close() {
        pipeline.close();
    }

    @Test
    void aConnectionWaitingForItsNextRequestIsClosedOnceTheTimeoutIsOver() {
        EmbeddedChannel ch = connection();
        ch.writeInbound(DemoPipeline.ascii(GET));
        assertThat(DemoPipeline.drainOutbound(ch)).startsWith("HTTP/1.1 200");

        advance(ch, 3_000);
        assertThat(ch.isOpen()).as("3 s after its response").isTrue();
        ch.writeInbound(DemoPipeline.ascii(GET));
        DemoPipeline.drainOutbound(ch);
        advance(ch, 3_000);
        assertThat(ch.isOpen()).as("3 s after the next response: the wait starts again").isTrue();
        advance(ch, 2_000);
        assertThat(ch.isOpen()).as("5 s after it").isFalse();
    }

    @Test
    void aClientThatNeverSendsIsClosedToo() {
        EmbeddedChannel ch = connection();
        advance(ch, 3_900);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 1_100);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aRequestUnderWayKeepsItsConnectionOpen() {
        EmbeddedChannel ch = connection();
        // The head and part of the body: the call has begun and waits for the rest.
        ch.writeInbound(DemoPipeline.ascii("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"));
        advance(ch, 10_000);
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(DemoPipeline.ascii("cdefghij"));
        assertThat(DemoPipeline.drainOutbound(ch)).startsWith("HTTP/1.1 200").endsWith("abcdefghij");
        advance(ch, 5_000);
        assertThat(ch.isOpen()).as("idle after its response").isFalse();
    }

    @Test
    void aHeadTrickledPastItsDeadlineIsAnswered408AndClosed() {
        EmbeddedChannel ch = pipeline.channel(HttpPipeline.KeepAlive.idleTimeout(TIMEOUT),
                new HttpPipeline.Deadlines(Duration.ofSeconds(10), Duration.ofSeconds(10)));
        ch.writeInbound(DemoPipeline.ascii("GET / HTTP/1.1\r\n"));
        // A byte a second keeps the connection from ever being silent for the keep-alive timeout.
        for (int second = 1; second < 10; second++) {
            advance(ch, 1_000);
            ch.writeInbound(DemoPipeline.ascii("X"));
        }
        assertThat(ch.outboundMessages()).as("9 s into the head").isEmpty();
        advance(ch, 1_000);
        String raw = DemoPipeline.drainOutbound(ch);
        assertThat(raw).startsWith("HTTP/1.1 408 ").containsIgnoringCase("connection: close");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theHeadDeadlineStartsWithEachHeadsFirstByte() {
        EmbeddedChannel ch = pipeline.channel(HttpPipeline.KeepAlive.idleTimeout(Duration.ofSeconds(60)),
                new HttpPipeline.Deadlines(Duration.ofSeconds(10), Duration.ofSeconds(10)));
        for (int request = 0; request < 3; request++) {
            ch.writeInbound(DemoPipeline.ascii("GET / HTTP/1.1\r\n"));
            advance(ch, 8_000);
            ch.writeInbound(DemoPipeline.ascii("Host: x\r\n\r\n"));
            assertThat(DemoPipeline.drainOutbound(ch)).as("request " + request).startsWith("HTTP/1.1 200 ");
            advance(ch, 8_000);
        }
        assertThat(ch.isOpen()).isTrue();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aBodyPausedPastTheBodyTimeoutIsAnswered408AndClosed() {
        EmbeddedChannel ch = pipeline.channel(HttpPipeline.KeepAlive.idleTimeout(TIMEOUT),
                new HttpPipeline.Deadlines(Duration.ofSeconds(10), new BodyPace(Duration.ofSeconds(6), 0)));
        ch.writeInbound(DemoPipeline.ascii("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"));
        advance(ch, 5_000);
        ch.writeInbound(DemoPipeline.ascii("cd"));
        advance(ch, 5_000);
        assertThat(ch.outboundMessages()).as("5 s after the last body bytes").isEmpty();
        advance(ch, 2_000);
        assertThat(DemoPipeline.drainOutbound(ch)).startsWith("HTTP/1.1 408 ").containsIgnoringCase("connection: close");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aBodyTrickledSlowerThanTheMinimumRateIsAnswered408AfterTheBodyTimeout() {
        EmbeddedChannel ch = pipeline.channel(HttpPipeline.KeepAlive.idleTimeout(TIMEOUT),
                new HttpPipeline.Deadlines(Duration.ofSeconds(10), new BodyPace(Duration.ofSeconds(6), 500)));
        ch.writeInbound(DemoPipeline.ascii("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"));
        for (int second = 1; second <= 5; second++) {
            advance(ch, 1_000);
            ch.writeInbound(DemoPipeline.ascii("a"));
        }
        advance(ch, 900);
        assertThat(ch.outboundMessages()).as("a byte a second, 5.9 s in").isEmpty();
        for (int second = 6; second <= 8 && ch.outboundMessages().isEmpty(); second++) {
            ch.writeInbound(DemoPipeline.ascii("a"));
            advance(ch, 1_000);
        }
        assertThat(DemoPipeline.drainOutbound(ch)).startsWith("HTTP/1.1 408 ").containsIgnoringCase("connection: close");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aBodyAtAFairRateEarnsItsTime() {
        EmbeddedChannel ch = pipeline.channel(HttpPipeline.KeepAlive.idleTimeout(TIMEOUT),
                new HttpPipeline.Deadlines(Duration.ofSeconds(10), new BodyPace(Duration.ofSeconds(6), 500)));
        ch.writeInbound(DemoPipeline.ascii("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 12000\r\n\r\n"));
        String kilobyte = "b".repeat(1_000);
        for (int second = 1; second <= 12; second++) {
            advance(ch, 1_000);
            assertThat(ch.outboundMessages()).as("%d s in, %d bytes sent", second, (second - 1) * 1_000).isEmpty();
            ch.writeInbound(DemoPipeline.ascii(kilobyte));
        }
        assertThat(DemoPipeline.drainOutbound(ch)).startsWith("HTTP/1.1 200 ");
        assertFalse(ch.finishAndReleaseAll());
    }

    private EmbeddedChannel connection() {
        return pipeline.channel(HttpPipeline.KeepAlive.idleTimeout(TIMEOUT));
    }

    /** Moves the loop's clock and runs what became due, the sweep among it. */
    private static void advance(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }
}
