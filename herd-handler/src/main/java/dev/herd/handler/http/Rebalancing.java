package dev.herd.handler.http;

import dev.herd.handler.accept.FairShare;
import io.netty.util.concurrent.Ticker;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Whether one event loop asks a keep-alive client to reconnect now, so that its connections spread
 * over the pool ({@link FairShare#shouldShed}). Asked on the loop, only for a response that would
 * otherwise keep its connection.
 *
 * <p>It answers yes at most once per {@link #INTERVAL}, and looks at the pool at most that often
 * too (reading the mean scans the scoreboard): a loop sheds its excess a connection at a time, each
 * client reconnecting before the next is asked, instead of all at once.
 */
public final class Rebalancing {
    static final Duration INTERVAL = Duration.ofMillis(100);

    private final Ticker ticker;
    private final LongSupplier connections;
    private final DoubleSupplier meanOfReadyLoops;
    private long nextLookNanos;
    private boolean looked;

    /**
     * @param ticker           the loop's clock
     * @param connections      the loop's open connections
     * @param meanOfReadyLoops open connections per loop over every ready handler
     */
    public Rebalancing(Ticker ticker, LongSupplier connections, DoubleSupplier meanOfReadyLoops) {
        this.ticker = ticker;
        this.connections = connections;
        this.meanOfReadyLoops = meanOfReadyLoops;
    }

    /** True if the response being written should ask its client to reconnect. */
    public boolean shedOne() {
        long now = ticker.nanoTime();
        if (looked && now - nextLookNanos < 0) {
            return false;
        }
        looked = true;
        nextLookNanos = now + INTERVAL.toNanos();
        return FairShare.shouldShed(connections.getAsLong(), meanOfReadyLoops);
    }
}
