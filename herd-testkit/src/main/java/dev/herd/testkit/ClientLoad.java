package dev.herd.testkit;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * A closed-loop load for tests: {@code clients} threads, each sending one request per new
 * connection and the next when the answer is in, until {@link #stop()} or {@code limit} requests
 * in all. Every answer that is not 200, and every failed connection, is kept as a failure.
 */
public final class ClientLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> threads;
    private final long limit;

    private ClientLoad(SocketAddress address, String target, int clients, long limit) {
        this.limit = limit;
        this.threads = IntStream.range(0, clients)
                .mapToObj(i -> Thread.ofPlatform().name("load-" + i).start(() -> run(address, target)))
                .toList();
    }

    public static ClientLoad start(SocketAddress address, String target, int clients, long limit) {
        return new ClientLoad(address, target, clients, limit);
    }

    private void run(SocketAddress address, String target) {
        while (running.get() && started.incrementAndGet() <= limit) {
            try {
                HttpProbe.Reply reply = HttpProbe.get(address, target, Duration.ofSeconds(30));
                if (reply.status() == 200) {
                    succeeded.incrementAndGet();
                } else {
                    failures.add("status " + reply.status() + ": " + reply.body().strip());
                }
            } catch (IOException e) {
                failures.add(e.toString());
            }
        }
    }

    public long succeeded() {
        return succeeded.get();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** True once every client has stopped (the limit reached, or stopped). */
    public boolean finished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Stops sending and waits for the requests in flight. */
    public void stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
