package dev.herd.bench;

import dev.herd.testkit.HttpProbe;
import dev.herd.testkit.KeepAliveConnection;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop benchmark clients on 127.0.0.1: each sends its next request when the answer to the
 * previous one is in, on a new connection per request or on a keep-alive connection of its own,
 * and records every request's start, latency and outcome.
 */
final class Clients {
    /** One request: when it started (nanos since {@code origin}), how long it took, whether it got a 200. */
    record Done(long startNanos, long latencyNanos, boolean ok) {
    }

    private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Clients(SocketAddress address, String target, int clients, boolean keepAlive, long originNanos) {
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (KeepAliveConnection connection = new KeepAliveConnection(address)) {
                    while (running.get()) {
                        long t0 = System.nanoTime();
                        boolean ok;
                        try {
                            ok = (keepAlive ? connection.get(target)
                                    : HttpProbe.get(address, target, Duration.ofSeconds(30))).status() == 200;
                        } catch (IOException e) {
                            ok = false;
                        }
                        done.add(new Done(t0 - originNanos, System.nanoTime() - t0, ok));
                    }
                }
            }));
        }
    }

    /** Stops every client once its request in flight is answered. */
    List<Done> stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        return List.copyOf(done);
    }

    long count() {
        return done.size();
    }
}
