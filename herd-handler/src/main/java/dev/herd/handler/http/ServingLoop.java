package dev.herd.handler.http;

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
    private final long pid;
    private final int slot;
    private final int generation;
    private final String thread;
    private final BooleanSupplier draining;

    public ServingLoop(EventLoop loop, Scoreboard.LoopWriter counters, long pid, int slot, int generation,
                       String thread, BooleanSupplier draining) {
        this.loop = loop;
        this.counters = counters;
        this.pid = pid;
        this.slot = slot;
        this.generation = generation;
        this.thread = thread;
        this.draining = draining;
    }

    public Scoreboard.LoopWriter counters() {
        return counters;
    }

    public boolean draining() {
        return draining.getAsBoolean();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public int generation() {
        return generation;
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
