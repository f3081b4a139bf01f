package dev.herd.handler.http;

import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive timeout of one event loop's connections: one task per loop, run a few times per
 * timeout, asks every connection whether it has been silent too long, instead of a timer per
 * connection that every read and write would touch. A connection is closed between the timeout
 * and the timeout plus one period after it went silent. Used on the loop's thread only.
 */
final class IdleSweep {
    /** A connection the sweep watches. */
    interface Watched {
        /** Closes the connection if it has waited for a request since before {@code cutoffNanos} (loop ticker time). */
        void closeIfSilentSince(long cutoffNanos);
    }

    private static final Duration MIN_PERIOD = Duration.ofMillis(10);
    private static final Duration MAX_PERIOD = Duration.ofSeconds(1);

    private final EventLoop loop;
    private final long timeoutNanos;
    private final Set<Watched> connections = new LinkedHashSet<>();

    IdleSweep(EventLoop loop, Duration timeout) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        long period = Math.clamp(timeout.toNanos() / 4, MIN_PERIOD.toNanos(), MAX_PERIOD.toNanos());
        loop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
    }

    /** The timeout this sweep enforces. */
    long timeoutNanos() {
        return timeoutNanos;
    }

    void watch(Watched connection) {
        connections.add(connection);
    }

    void forget(Watched connection) {
        connections.remove(connection);
    }

    private void sweep() {
        if (connections.isEmpty()) {
            return;
        }
        long cutoff = loop.ticker().nanoTime() - timeoutNanos;
        // Closing a connection makes it forget itself: go over a copy.
        List<Watched> all = new ArrayList<>(connections);
        for (Watched connection : all) {
            connection.closeIfSilentSince(cutoff);
        }
    }
}
