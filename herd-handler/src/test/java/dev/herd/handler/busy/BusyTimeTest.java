package dev.herd.handler.busy;

import dev.herd.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The arithmetic of a loop's busy time, on an injected clock (milliseconds as nanos for reading ease). */
class BusyTimeTest {
    private final ManualClock clock = new ManualClock(0);
    private final BusyTime busy = new BusyTime(clock);

    private long at(long nanos) {
        clock.advance(Duration.ofNanos(nanos - clock.nanoTime()));
        return nanos;
    }

    @Test
    void nothingIsBusyBeforeTheLoopStarts() {
        assertThat(busy.busyNanos(500)).isZero();
    }

    @Test
    void theWallTimeNotSpentWaitingIsBusy() {
        busy.start(1_000);
        busy.waited(600);
        assertThat(busy.busyNanos(2_000)).isEqualTo(400);
        busy.waited(1_000);
        assertThat(busy.busyNanos(3_000)).isEqualTo(400);
    }

    @Test
    void aRestartCountsFromThenOnLeavingOutWhatCameBefore() {
        busy.start(0);
        busy.waited(100);
        at(200);
        long call = busy.offloadStarted();
        assertThat(busy.busyNanos(1_000)).isEqualTo(1_700);

        busy.restart(1_000);
        busy.waited(300);
        // Since the restart: 700 of the loop's own, and the call still running since then, 1000.
        assertThat(busy.busyNanos(2_000)).isEqualTo(1_700);
        at(2_500);
        busy.offloadEnded(call);
        assertThat(busy.busyNanos(3_000)).isEqualTo(1_700 + 1_000 + 500);
    }

    @Test
    void aBlockingCallCountsFromItsStartStampAfterStamp() {
        busy.start(0);
        at(200);
        long call = busy.offloadStarted();
        busy.waited(1_000);
        // The loop itself waited all along; the call ran from 200 on.
        assertThat(busy.busyNanos(1_000)).isEqualTo(800);
        busy.waited(1_000);
        assertThat(busy.busyNanos(2_000)).isEqualTo(1_800);
        at(2_500);
        busy.offloadEnded(call);
        busy.waited(1_000);
        assertThat(busy.busyNanos(3_000)).isEqualTo(2_300);
    }

    @Test
    void callsInParallelCountEachAndMayOutgrowTheWallTime() {
        busy.start(0);
        long first = busy.offloadStarted();
        long second = busy.offloadStarted();
        busy.waited(1_000);
        assertThat(busy.busyNanos(1_000)).isEqualTo(2_000);
        at(1_500);
        busy.offloadEnded(second);
        busy.offloadEnded(first);
        busy.waited(1_000);
        assertThat(busy.busyNanos(2_000)).isEqualTo(3_000);
    }

    @Test
    void aCallEndingInAnyOrderWithItsSiblingsIsCountedExactly() {
        busy.start(0);
        long a = busy.offloadStarted();
        at(100);
        long b = busy.offloadStarted();
        at(300);
        busy.offloadEnded(a);
        at(400);
        long c = busy.offloadStarted();
        at(450);
        busy.offloadEnded(b);
        at(700);
        busy.offloadEnded(c);
        busy.waited(1_000);
        // a: 300, b: 350, c: 300.
        assertThat(busy.busyNanos(1_000)).isEqualTo(950);
    }

    @Test
    void aCallReportedEndedAfterAStampCountedItNeverMakesTheCounterGoDown() {
        busy.start(0);
        long call = busy.offloadStarted();
        busy.waited(1_000);
        assertThat(busy.busyNanos(1_000)).isEqualTo(1_000);
        // The call's thread read the clock at 900, before the stamp, and reported after it.
        clock.advance(Duration.ofNanos(900));
        busy.offloadEnded(call);
        busy.waited(100);
        assertThat(busy.busyNanos(1_100)).isEqualTo(1_000);
        assertThat(busy.busyNanos(1_300)).isEqualTo(1_100);
    }

    @Test
    void aCountedTaskIsTimedWhileItRunsWhateverItThrows() {
        busy.start(0);
        Runnable task = busy.counting(() -> {
            at(400);
            throw new IllegalStateException("application failure");
        });
        at(100);
        try {
            task.run();
        } catch (IllegalStateException expected) {
            // The call's failure is the caller's business; its time still counts.
        }
        busy.waited(1_000);
        assertThat(busy.busyNanos(1_000)).isEqualTo(300);
    }
}
