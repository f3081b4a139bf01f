package dev.herd.handler.busy;

import dev.herd.time.MonotonicClock;

/**
 * How long one event loop has been busy: the wall time its thread did not spend waiting for I/O,
 * plus the running time of the blocking application calls it handed to other threads (as if it
 * had run them itself). Asynchronous waits count for nothing: a timer or an idle keep-alive
 * connection keeps no thread busy.
 *
 * <p>The loop's thread reports its waits ({@link #waited}) and reads the total at each stamp
 * ({@link #busyNanos}); the threads of blocking calls report their start and end. Those calls are
 * integrated over time rather than added when they end, so that a long call shows from its start,
 * stamp after stamp, not as one spike at its end.
 */
public final class BusyTime {
    private final MonotonicClock clock;
    // On the loop's thread only.
    private long startedAt;
    private boolean started;
    private long waited;
    private long reported;
    /** The blocking calls' time already counted when the count {@link #restart}ed. */
    private long offloadedBefore;
    // Blocking calls, from their own threads, under this object's lock: how many run now, the sum
    // of their start times, and the whole running time of those that ended. At t they add up to
    // done + running × t − starts, whatever order the threads reported in (the product and the
    // sum may overflow a long; their difference, a few seconds' worth, comes out right anyway).
    private int running;
    private long starts;
    private long done;

    public BusyTime(MonotonicClock clock) {
        this.clock = clock;
    }

    /** On the loop, when its thread starts: the wall time counts from here. */
    public void start(long nowNanos) {
        startedAt = nowNanos;
        started = true;
    }

    /**
     * On the loop: counting starts again from now, as if the loop had just started. The next
     * stamp is lower than the last, which readers take as a new series: the handler's warm-up is
     * not its clients' work and must not look like load.
     */
    public void restart(long nowNanos) {
        synchronized (this) {
            offloadedBefore = done + running * nowNanos - starts;
        }
        startedAt = nowNanos;
        started = true;
        waited = 0;
        reported = 0;
    }

    /** On the loop: it waited this long for I/O (in the selector). */
    public void waited(long nanos) {
        waited += nanos;
    }

    /**
     * On the loop, at a stamp: busy nanos since {@link #start}, never less than the previous
     * answer (a call whose end was reported after a stamp that already counted it running gives
     * back the overshoot over the next stamps instead of making the counter go down).
     */
    public long busyNanos(long nowNanos) {
        if (!started) {
            return 0;
        }
        long offloaded;
        synchronized (this) {
            offloaded = done + running * nowNanos - starts - offloadedBefore;
        }
        reported = Math.max(reported, nowNanos - startedAt - waited + offloaded);
        return reported;
    }

    /** From a blocking call's thread: it starts now. Returns the start, for {@link #offloadEnded}. */
    public synchronized long offloadStarted() {
        long now = clock.nanoTime();
        running++;
        starts += now;
        return now;
    }

    /** From a blocking call's thread: the call that started at {@code startedAtNanos} ends now. */
    public synchronized void offloadEnded(long startedAtNanos) {
        running--;
        starts -= startedAtNanos;
        done += clock.nanoTime() - startedAtNanos;
    }

    /** {@code task}, counted as this loop's work while it runs (on whatever thread runs it). */
    public Runnable counting(Runnable task) {
        return () -> {
            long start = offloadStarted();
            try {
                task.run();
            } finally {
                offloadEnded(start);
            }
        };
    }
}
