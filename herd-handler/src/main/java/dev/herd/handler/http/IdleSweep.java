package dev.herd.handler.http;

import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of one event loop's connections (keep-alive idle time, the gap between body bytes):
 * one task per loop, run every period, asks every connection whether one of its deadlines has
 * passed, instead of a timer per connection that every read and write would touch. A connection
 * times out between its timeout and its timeout plus one period. Used on the loop's thread only.
 */
public final class IdleSweep {
    /** A connection the sweep watches. */
    public interface Watched {
        /** Acts on whichever of the connection's deadlines has passed by {@code nowNanos} (loop ticker time). */
        void sweep(long nowNanos);
    }

    private static final Duration MIN_PERIOD = Duration.ofMillis(10);
    private static final Duration MAX_PERIOD = Duration.ofSeconds(1);

    private final EventLoop loop;
    private final Set<Watched> connections = new LinkedHashSet<>();

    IdleSweep(EventLoop loop, long periodNanos) {
        this.loop = loop;
        loop.scheduleAtFixedRate(this::sweep, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** The period that enforces {@code timeout} to within a quarter of it (10 ms to 1 s). */
    static long periodFor(Duration timeout) {
        return Math.clamp(timeout.toNanos() / 4, MIN_PERIOD.toNanos(), MAX_PERIOD.toNanos());
    }

    public void watch(Watched connection) {
        connections.add(connection);
    }

    public void forget(Watched connection) {
        connections.remove(connection);
    }

    private void sweep() {
        if (connections.isEmpty()) {
            return;
        }
        long now = loop.ticker().nanoTime();
        // Closing a connection makes it forget itself: go over a copy.
        List<Watched> all = new ArrayList<>(connections);
        for (Watched connection : all) {
            connection.sweep(now);
        }
    }
}
