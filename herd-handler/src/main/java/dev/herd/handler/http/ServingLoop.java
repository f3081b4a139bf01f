package dev.herd.handler.http;

import dev.herd.api.HandlerContext;
import dev.herd.handler.busy.BusyTime;
import dev.herd.scoreboard.Scoreboard;
import io.netty.channel.EventLoop;

import java.util.function.BooleanSupplier;

/**
 * What every connection of one event loop shares: the loop's scoreboard counters and busy time, who
 * this handler is (for the application), and whether the handler is draining.
 */
public final class ServingLoop {
    private final EventLoop loop;
    private final Scoreboard.LoopWriter counters;
    private final HandlerContext handler;
    private final BooleanSupplier draining;
    private final BusyTime busy;

    public ServingLoop(EventLoop loop, Scoreboard.LoopWriter counters, HandlerContext handler,
                       BooleanSupplier draining, BusyTime busy) {
        this.loop = loop;
        this.counters = counters;
        this.handler = handler;
        this.draining = draining;
        this.busy = busy;
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
}
