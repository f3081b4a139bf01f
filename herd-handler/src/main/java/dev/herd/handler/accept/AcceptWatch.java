package dev.herd.handler.accept;

import dev.herd.scoreboard.Scoreboard;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * One event loop's watch on the shared listening socket (the {@code herd} accept strategy).
 *
 * <p>Every loop of every handler registers the same socket with its own selector, so all of them
 * are told when a connection is pending; each then tries a non-blocking accept. The winner serves
 * the connection on this same loop; the others find nothing (EAGAIN) and count a lost race.
 *
 * <p>A loop accepts at most {@link #MAX_ACCEPTS_PER_WAKEUP} connections per wake-up: a loop that
 * drains the whole queue in one go takes most connections of a burst for itself, while accepting
 * one or two and going back to the selector lets the siblings that were woken too take theirs.
 * A loop that holds more than its fair share of connections lets the wake-up pass
 * ({@link FairShare}), and so does every loop of a handler at its {@link ConnectionLimit}.
 *
 * <p>The policy is the same on every transport; the {@link Listener} does the transport's part.
 */
public final class AcceptWatch {
    static final int MAX_ACCEPTS_PER_WAKEUP = 2;

    private static final System.Logger LOG = System.getLogger(AcceptWatch.class.getName());

    static {
        // The failure path runs when no descriptor is left, and loading a class can need one (a
        // class file to open): what it uses is loaded now, or its first EMFILE would fail for good.
        IOException outOfFiles = new IOException("too many open files");
        AcceptFailure.classify(outOfFiles);
        AcceptFailure.describe(outOfFiles);
    }

    private final IoEventLoop loop;
    private final Listener listener;
    private final Scoreboard.LoopWriter counters;
    private final Consumer<Channel> serve;
    private final DoubleSupplier fairShare;
    private final ConnectionLimit limit;
    private final AcceptBackoff backoff = new AcceptBackoff(Duration.ofMillis(50), Duration.ofSeconds(1));
    private IoRegistration registration;
    private boolean stopped;

    /**
     * @param serve     runs on {@code loop} with each accepted connection, a channel not yet registered
     * @param fairShare open connections per loop over every ready handler
     * @param limit     the handler's open connections and their limit
     */
    public AcceptWatch(SharedSocket socket, IoEventLoop loop, Scoreboard.LoopWriter counters,
                       Consumer<Channel> serve, DoubleSupplier fairShare, ConnectionLimit limit) {
        this.listener = socket.listener(this::pending);
        this.loop = loop;
        this.counters = counters;
        this.serve = serve;
        this.fairShare = fairShare;
        this.limit = limit;
    }

    /**
     * Registers with the loop; if {@code watch}, starts watching for pending connections at once,
     * else only when {@link #watch()} is called (a handler on standby).
     */
    public io.netty.util.concurrent.Future<IoRegistration> register(boolean watch) {
        return loop.register(listener.handle()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                registration.submit(watch ? listener.accepting() : listener.paused());
            }
        });
    }

    /** The loop this watch belongs to. */
    IoEventLoop loop() {
        return loop;
    }

    /** Starts watching the socket: a standby handler has been activated. */
    public void watch() {
        loop.execute(() -> {
            if (!stopped && registration != null) {
                registration.submit(listener.accepting());
            }
        });
    }

    /**
     * Stops watching the socket for good: the handler is draining. Runs on the loop; the future
     * completes once this loop can accept nothing more.
     */
    public io.netty.util.concurrent.Future<?> stop() {
        return loop.submit(() -> {
            stopped = true;
            if (registration != null) {
                registration.cancel();
            }
        });
    }

    /** Runs on the loop when the socket is readable: a connection may be pending. */
    private void pending() {
        if (limit.reached()) {
            counters.acceptDeferred();
            pause(ConnectionLimit.PAUSE_MILLIS);
            return;
        }
        if (FairShare.shouldDefer(counters.connections(), fairShare)) {
            counters.acceptDeferred();
            pause(FairShare.PAUSE_MILLIS);
            return;
        }
        for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP && !stopped; i++) {
            Channel accepted;
            try {
                accepted = listener.accept();
            } catch (IOException e) {
                if (!failed(e)) {
                    return;
                }
                continue;
            }
            if (accepted == null) {
                if (i == 0) {
                    counters.acceptLost();
                }
                return;
            }
            backoff.onSuccess();
            counters.acceptWon();
            serve.accept(accepted);
        }
    }

    /** Counts and handles a failed accept; returns whether to try the next connection at once. */
    private boolean failed(IOException e) {
        counters.acceptError();
        AcceptFailure failure = AcceptFailure.classify(e);
        if (failure == AcceptFailure.CONNECTION_ABORTED) {
            return true;
        }
        Duration pause = backoff.onFailure();
        if (backoff.firstInRow()) {
            LOG.log(System.Logger.Level.WARNING, "accept failed on " + Thread.currentThread().getName() + " ("
                    + failure + "): " + AcceptFailure.describe(e) + "; not accepting for " + pause.toMillis() + " ms");
        }
        pause(pause.toMillis());
        return false;
    }

    /** Stops watching the socket for a while; the level-triggered poll would wake us at once. */
    private void pause(long millis) {
        if (listener.pausesByLeaving()) {
            registration.cancel();
            registration = null;
            loop.schedule(() -> {
                if (!stopped) {
                    register(true);
                }
            }, millis, TimeUnit.MILLISECONDS);
            return;
        }
        registration.submit(listener.paused());
        loop.schedule(() -> {
            if (!stopped) {
                registration.submit(listener.accepting());
            }
        }, millis, TimeUnit.MILLISECONDS);
    }
}
