package dev.herd.handler.http;

import dev.herd.api.HandlerContext;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.log.AccessLog;
import dev.herd.scoreboard.Scoreboard;
import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * What every connection of one event loop shares: the loop's scoreboard counters and busy time, who
 * this handler is (for the application), whether the handler is draining, and whether the loop
 * holds more than its fair share of keep-alive connections.
 */
public final class ServingLoop {
    private final EventLoop loop;
    private final Scoreboard.LoopWriter counters;
    private final HandlerContext handler;
    private final BooleanSupplier draining;
    private final BusyTime busy;
    private final Rebalancing rebalancing;
    private AccessLog.Loop accessLog = AccessLog.Loop.OFF;
    /** The idle sweeps of this loop, by timeout (one in practice: the handler's keep-alive timeout). */
    private final java.util.Map<Long, IdleSweep> idleSweeps = new java.util.HashMap<>();

    /** @param meanOfReadyLoops open connections per loop over every ready handler: the fair share */
    public ServingLoop(EventLoop loop, Scoreboard.LoopWriter counters, HandlerContext handler,
                       BooleanSupplier draining, BusyTime busy, DoubleSupplier meanOfReadyLoops) {
        this.loop = loop;
        this.counters = counters;
        this.handler = handler;
        this.draining = draining;
        this.busy = busy;
        this.rebalancing = new Rebalancing(loop.ticker(), counters::connections, meanOfReadyLoops);
    }

    /** Logs this loop's requests to {@code log}; set before the loop serves. */
    public ServingLoop withAccessLog(AccessLog.Loop log) {
        this.accessLog = log;
        return this;
    }

    /** Where this loop's requests are logged ({@link AccessLog.Loop#OFF} without an access log). */
    public AccessLog.Loop accessLog() {
        return accessLog;
    }

    /** The handler process, as the application sees it. */
    public HandlerContext handler() {
        return handler;
    }

    /** The event loop this serves. */
    public EventLoop loop() {
        return loop;
    }

    public Scoreboard.LoopWriter counters() {
        return counters;
    }

    public boolean draining() {
        return draining.getAsBoolean();
    }

    /** The loop's busy time, which blocking calls of its connections add to. */
    public BusyTime busy() {
        return busy;
    }

    /** The sweep that enforces timeouts as short as {@code shortest} on this loop's connections; on the loop's thread only. */
    public IdleSweep idleSweep(Duration shortest) {
        return idleSweeps.computeIfAbsent(IdleSweep.periodFor(shortest), period -> new IdleSweep(loop, period));
    }

    /** Whether a keep-alive connection of this loop should be asked to reconnect, to spread the load. */
    public Rebalancing rebalancing() {
        return rebalancing;
    }
}
