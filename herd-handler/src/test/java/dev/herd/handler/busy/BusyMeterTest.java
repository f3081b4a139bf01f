package dev.herd.handler.busy;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** A real NIO event loop wrapped by the meter: what its thread runs counts, what it waits for does not. */
class BusyMeterTest {
    private static final Duration SPIN = Duration.ofMillis(200);
    private static final Duration IDLE = Duration.ofMillis(300);

    private final BusyMeter meter = new BusyMeter(NioIoHandler.newFactory());
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, meter);
    private final IoEventLoop loop = (IoEventLoop) group.next();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Busy nanos and the instant read, on the loop as the heartbeat reads them. */
    private long[] reading() {
        return loop.submit(() -> {
            long now = System.nanoTime();
            return new long[] {now, meter.of(loop).busyNanos(now)};
        }).syncUninterruptibly().getNow();
    }

    @Test
    void aTaskOnTheLoopCountsInFull() {
        long[] before = reading();
        loop.submit(() -> {
            long end = System.nanoTime() + SPIN.toNanos();
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }).syncUninterruptibly();
        long[] after = reading();

        assertThat(after[1] - before[1]).isGreaterThanOrEqualTo(SPIN.toNanos());
        assertThat(after[1] - before[1]).isLessThanOrEqualTo(after[0] - before[0]);
    }

    @Test
    void waitingInTheSelectorDoesNotCount() {
        long[] before = reading();
        // The loop has nothing to do until the scheduled reading: it waits in select.
        long[] after = loop.schedule(() -> {
            long now = System.nanoTime();
            return new long[] {now, meter.of(loop).busyNanos(now)};
        }, IDLE.toMillis(), TimeUnit.MILLISECONDS).syncUninterruptibly().getNow();

        long wall = after[0] - before[0];
        assertThat(wall).isGreaterThanOrEqualTo(IDLE.toNanos());
        assertThat(after[1] - before[1]).as("busy nanos over %d ms idle", wall / 1_000_000).isLessThan(wall / 4);
    }

    @Test
    void aBlockingCallHandedToAnotherThreadCountsForTheLoop() throws InterruptedException {
        long[] before = reading();
        // The application's call keeps its thread for SPIN (it computes, as blocking code may).
        Thread call = Thread.ofVirtual().start(meter.of(loop).counting(() -> {
            long end = System.nanoTime() + SPIN.toNanos();
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
        }));
        call.join();
        long[] after = reading();

        assertThat(after[1] - before[1]).isGreaterThanOrEqualTo(SPIN.toNanos());
    }

    @Test
    void onlyItsOwnLoopsAreKnown() {
        MultiThreadIoEventLoopGroup other = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThatIllegalArgumentException().isThrownBy(() -> meter.of(other.next()));
        } finally {
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
