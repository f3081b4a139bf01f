package dev.herd.handler.accept;

import dev.herd.scoreboard.Scoreboard;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoOps;
import io.netty.channel.nio.NioSelectableChannelIoHandle;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 * ({@link FairShare}).
 */
public final class AcceptHandle extends NioSelectableChannelIoHandle<ServerSocketChannel> {
    static final int MAX_ACCEPTS_PER_WAKEUP = 2;

    private static final System.Logger LOG = System.getLogger(AcceptHandle.class.getName());

    static {
        // The failure path runs when no descriptor is left, and loading a class can need one (a
        // class file to open): what it uses is loaded now, or its first EMFILE would fail for good.
        AcceptFailure.classify(new IOException("too many open files"));
    }

    private final IoEventLoop loop;
    private final Scoreboard.LoopWriter counters;
    private final Consumer<SocketChannel> serve;
    private final DoubleSupplier fairShare;
    private final AcceptBackoff backoff = new AcceptBackoff(Duration.ofMillis(50), Duration.ofSeconds(1));
    private IoRegistration registration;
    private boolean stopped;

    public AcceptHandle(ServerSocketChannel socket, IoEventLoop loop, Scoreboard.LoopWriter counters,
                        Consumer<SocketChannel> serve, DoubleSupplier fairShare) {
        super(socket);
        this.loop = loop;
        this.counters = counters;
        this.serve = serve;
        this.fairShare = fairShare;
    }

    /**
     * Registers with the loop; if {@code watch}, starts watching for pending connections at once,
     * else only when {@link #watch()} is called (a handler on standby).
     */
    public io.netty.util.concurrent.Future<IoRegistration> register(boolean watch) {
        return loop.register(this).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                if (watch) {
                    registration.submit(NioIoOps.ACCEPT);
                }
            }
        });
    }

    /** Starts watching the socket: a standby handler has been activated. */
    public void watch() {
        loop.execute(() -> {
            if (!stopped && registration != null) {
                registration.submit(NioIoOps.ACCEPT);
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

    @Override
    protected void handle(ServerSocketChannel socket, SelectionKey key) {
        if (FairShare.shouldDefer(counters.connections(), fairShare)) {
            counters.acceptDeferred();
            pause(FairShare.PAUSE_MILLIS);
            return;
        }
        for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP && !stopped; i++) {
            SocketChannel accepted;
            try {
                accepted = socket.accept();
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
                    + failure + "): " + e.getMessage() + "; not accepting for " + pause.toMillis() + " ms");
        }
        pause(pause.toMillis());
        return false;
    }

    /** Stops watching the socket for a while; the level-triggered selector would wake us at once. */
    private void pause(long millis) {
        registration.submit(NioIoOps.NONE);
        loop.schedule(() -> {
            if (!stopped) {
                registration.submit(NioIoOps.ACCEPT);
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** The socket is shared with every other loop and handler: never close it here. */
    @Override
    public void close() {
    }
}
