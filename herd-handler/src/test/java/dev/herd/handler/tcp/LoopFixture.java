package dev.herd.handler.tcp;

import dev.herd.api.HandlerContext;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.http.ServingLoop;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotSnapshot;
import dev.herd.scoreboard.SlotState;
import dev.herd.time.MonotonicClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One event loop's surroundings for a TCP connection on an {@link EmbeddedChannel}: a real
 * scoreboard slot, the {@link ServingLoop}, and the loop tasks that connections' virtual threads
 * post, which the test thread (the channel's "loop") runs when it {@linkplain #pump pumps}.
 */
final class LoopFixture implements AutoCloseable {
    static final long PID = 4242;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final Scoreboard board = Scoreboard.create(1, 1);
    final Scoreboard.SlotWriter slot = board.writer(0, 1);
    final Queue<Runnable> posted = new ConcurrentLinkedQueue<>();
    final LoopTasks loopTasks = posted::add;
    volatile boolean draining;

    LoopFixture() {
        slot.begin(PID, 1, 0);
        slot.state(SlotState.READY);
    }

    ServingLoop serving(EmbeddedChannel ch) {
        return new ServingLoop(ch.eventLoop(), slot.loop(0), new HandlerContext(PID, 0, 1, List.of()),
                () -> draining, new BusyTime(MonotonicClock.SYSTEM), () -> 0);
    }

    /** Runs, on this thread, what virtual threads posted and what the channel scheduled. */
    void pump(EmbeddedChannel ch) {
        for (Runnable task; (task = posted.poll()) != null; ) {
            task.run();
        }
        ch.runPendingTasks();
    }

    /** Pumps until {@code done} holds; fails after {@link #TIMEOUT}. */
    void pumpUntil(EmbeddedChannel ch, String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            pump(ch);
            if (done.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Pumps until the channel has written {@code expected} (all of it, maybe in several buffers). */
    String pumpUntilOutput(EmbeddedChannel ch, String expected) {
        StringBuilder seen = new StringBuilder();
        pumpUntil(ch, "output '" + expected + "', seen '" + seen + "'", () -> {
            seen.append(readOutbound(ch));
            return seen.length() >= expected.length();
        });
        return seen.toString();
    }

    /** Closes the connection, as a client hanging up would, and waits until its serve ended and its last turn is counted. */
    void closeAndAwaitServeEnd(EmbeddedChannel ch) {
        ch.close();
        pumpUntil(ch, "serve ended", () -> posted.isEmpty() && snapshot().inFlight() == 0);
    }

    SlotSnapshot snapshot() {
        return board.read(0);
    }

    static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /** Everything written so far, as text; each buffer is released. */
    static String readOutbound(EmbeddedChannel ch) {
        return dev.herd.handler.Outbound.text(ch);
    }

    @Override
    public void close() {
        board.close();
    }
}
