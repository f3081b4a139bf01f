package dev.herd.testkit;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A closed-loop load for tests: {@code clients} threads, each sending its next request when the
 * answer to the previous one is in, until {@link #stop()} or {@code limit} requests in all: on a
 * new connection per request ({@link #start}), or on a connection each client keeps
 * ({@link #keepAlive}). Every answer that is not 200, and every failed connection, is kept as a
 * failure.
 */
public final class ClientLoad implements AutoCloseable {
    /** The tally's key for answers without the tally header. */
    private static final String NO_HEADER = "-";

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> tally = new ConcurrentHashMap<>();
    private final LongAdder opened = new LongAdder();
    private final LongAdder idleCloses = new LongAdder();
    private final String tallyHeader;
    private final long limit;
    private final List<Thread> threads;

    /** One client's way of sending the next request. */
    private interface Client extends AutoCloseable {
        HttpProbe.Reply send() throws IOException;

        @Override
        default void close() {
        }
    }

    private ClientLoad(int clients, long limit, String tallyHeader, Function<ClientLoad, Client> client) {
        this.limit = limit;
        this.tallyHeader = tallyHeader;
        this.threads = IntStream.range(0, clients)
                .mapToObj(i -> Thread.ofPlatform().name("load-" + i).start(() -> run(client.apply(this))))
                .toList();
    }

    /** Each request on a connection of its own ({@code Connection: close}). */
    public static ClientLoad start(SocketAddress address, String target, int clients, long limit) {
        return new ClientLoad(clients, limit, null, load -> () -> {
            load.opened.increment();
            return HttpProbe.get(address, target, Duration.ofSeconds(30));
        });
    }

    /**
     * Each client keeps one HTTP/1.1 connection and sends {@code GET target} on it again and again;
     * it opens a new one when the server ends it (by {@code Connection: close}, or by closing it
     * while idle). Every answer is tallied by the value of its header {@code tallyHeader} (which
     * handler served it, say), read with {@link #tally()}.
     */
    public static ClientLoad keepAlive(SocketAddress address, String target, int clients, String tallyHeader) {
        return new ClientLoad(clients, Long.MAX_VALUE, tallyHeader, load -> new Client() {
            private final KeepAliveConnection connection = new KeepAliveConnection(address, load.opened, load.idleCloses);

            @Override
            public HttpProbe.Reply send() throws IOException {
                return connection.get(target);
            }

            @Override
            public void close() {
                connection.close();
            }
        });
    }

    private void run(Client client) {
        try (client) {
            while (running.get() && started.incrementAndGet() <= limit) {
                try {
                    HttpProbe.Reply reply = client.send();
                    if (reply.status() == 200) {
                        succeeded.incrementAndGet();
                        if (tallyHeader != null) {
                            tally.computeIfAbsent(reply.header(tallyHeader).orElse(NO_HEADER), k -> new LongAdder())
                                    .increment();
                        }
                    } else {
                        failures.add("status " + reply.status() + ": " + reply.body().strip());
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                }
            }
        }
    }

    public long succeeded() {
        return succeeded.get();
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Successful answers so far by the value of the tally header (see {@link #keepAlive}). */
    public Map<String, Long> tally() {
        return tally.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
    }

    /** Connections the clients opened so far. */
    public long connectionsOpened() {
        return opened.sum();
    }

    /** Keep-alive connections the clients found closed by the server between two requests. */
    public long idleCloses() {
        return idleCloses.sum();
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
