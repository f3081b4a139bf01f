package dev.herd.handler.app;

import dev.herd.api.App;
import dev.herd.api.AsyncHttpApp;
import dev.herd.api.Dispatch;
import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;
import dev.herd.handler.Outbound;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.http.HttpPipeline;
import dev.herd.handler.http.ServingLoop;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.time.ManualClock;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Whose time is the loop's: an application's code on a virtual thread counts as its loop's work
 * for as long as it runs; code on the loop is the loop's own time, and an asynchronous answer
 * keeps no thread busy. Each application moves the clock by {@link #TAKES} while the loop itself
 * waits all along.
 */
class DispatchBusyTimeTest {
    private static final Duration TAKES = Duration.ofMillis(500);

    /** An application that takes {@link #TAKES} on {@code clock}, telling {@code ran} which thread ran it. */
    record Case(String name, BiFunction<ManualClock, CompletableFuture<Thread>, App> app, Duration counted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("blocking code on a virtual thread counts", (clock, ran) -> (HttpApp) request -> {
                    ran.complete(Thread.currentThread());
                    clock.advance(TAKES);
                    return Response.text("done");
                }, TAKES),
                new Case("code on the loop is no call handed away", (clock, ran) -> new HttpApp() {
                    @Override
                    public Response handle(Request request) {
                        ran.complete(Thread.currentThread());
                        clock.advance(TAKES);
                        return Response.text("done");
                    }

                    @Override
                    public Dispatch dispatch() {
                        return Dispatch.EVENT_LOOP;
                    }
                }, Duration.ZERO),
                new Case("an asynchronous answer counts nothing", (clock, ran) -> (AsyncHttpApp) request -> {
                    ran.complete(Thread.currentThread());
                    clock.advance(TAKES);
                    return CompletableFuture.completedFuture(Response.text("done"));
                }, Duration.ZERO));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void countsOnlyCodeRunningOnOtherThreads(Case c) throws Exception {
        ManualClock clock = new ManualClock(0);
        BusyTime busy = new BusyTime(clock);
        busy.start(0);
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        try (Scoreboard board = Scoreboard.create(1, 1)) {
            Scoreboard.SlotWriter slot = board.writer(0, 1);
            slot.begin(1, 1, 0);
            EmbeddedChannel ch = new EmbeddedChannel();
            ServingLoop loop = new ServingLoop(ch.eventLoop(), slot.loop(0), new HandlerContext(1, 0, 1, List.of()),
                    () -> false, busy, () -> 0);
            new HttpPipeline(ApiHttpService.of(c.app().apply(clock, ran), getClass().getClassLoader()), 8192, 16384,
                    1024, HttpPipeline.KeepAlive.idleTimeout(Duration.ofSeconds(15))).configure(ch, loop);

            ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
            // A virtual thread answers through the channel itself (an embedded loop is every
            // thread's): the channel is touched again only once that thread is over.
            Thread thread = ran.join();
            if (thread != Thread.currentThread()) {
                thread.join();
            }
            ch.runPendingTasks();

            assertThat(Outbound.text(ch)).startsWith("HTTP/1.1 200 ").endsWith("done");
            busy.waited(clock.nanoTime());
            assertThat(busy.busyNanos(clock.nanoTime())).isEqualTo(c.counted().toNanos());
            assertFalse(ch.finishAndReleaseAll());
        }
    }
}
