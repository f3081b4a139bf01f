package dev.herd.handler.http;

import dev.herd.api.HandlerContext;
import dev.herd.handler.api.Exchange;
import dev.herd.scoreboard.Scoreboard;
import io.netty.channel.EventLoop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What every connection of one event loop shares: the loop's scoreboard counters, who this handler
 * is (for the application), and whether the handler is draining.
 */
public final class ServingLoop implements Exchange {
    private final EventLoop loop;
    private final Scoreboard.LoopWriter counters;
    private final HandlerContext handler;
    private final String thread;
    private final BooleanSupplier draining;

    public ServingLoop(EventLoop loop, Scoreboard.LoopWriter counters, HandlerContext handler,
                       String thread, BooleanSupplier draining) {
        this.loop = loop;
        this.counters = counters;
        this.handler = handler;
        this.thread = thread;
        this.draining = draining;
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

    @Override
    public long pid() {
        return handler.pid();
    }

    @Override
    public int slot() {
        return handler.slot();
    }

    @Override
    public int generation() {
        return handler.generation();
    }

    @Override
    public String thread() {
        return thread;
    }

    @Override
    public CompletionStage<Void> after(Duration delay) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.schedule(() -> done.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
        return done;
    }
}
