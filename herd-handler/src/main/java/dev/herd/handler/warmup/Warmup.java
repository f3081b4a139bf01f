package dev.herd.handler.warmup;

import dev.herd.api.HandlerContext;
import dev.herd.api.WarmupRequest;
import dev.herd.handler.accept.AcceptWatch;
import dev.herd.handler.accept.ConnectionLimit;
import dev.herd.handler.accept.SharedSocket;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.http.HttpPipeline;
import dev.herd.handler.http.ServingLoop;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;
import dev.herd.time.MonotonicClock;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warms a new handler's JIT before it joins the accept race, so that its first clients do not
 * wait for a cold JVM. Each event loop watches a private listening socket made like the shared
 * one ({@link PrivateSocket}: same transport, accept strategy and address family) through the
 * same accept code, and serves what it accepts through the same HTTP pipeline; client threads of
 * this handler send the requests over loopback. A round is herd's own requests to its
 * {@link WarmApp} (four on a kept connection, one on a connection the server closes) and, when
 * the application lists some ({@link WarmupRequest}), the application's requests on a kept
 * connection of a second private socket whose pipeline serves the application.
 *
 * <p>Nothing of it reaches the shared socket or the scoreboard (the loops count into a scratch
 * one), and the warm-up stops at its time limit whatever is left: a handler that cannot warm up
 * still serves, cold.
 */
public final class Warmup {
    private static final System.Logger LOG = System.getLogger(Warmup.class.getName());
    /** How long the server side of the warm-up's connections gets to see them close. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    /** How a warm-up ended. */
    public enum Ending {
        /** Every round was served. */
        DONE,
        /** {@code --warmup-time} ran out first. */
        TIME_LIMIT,
        /** The spawner needed the handler at once ({@link Hurry}). */
        HURRIED,
        /** It could not begin: no private socket. */
        SKIPPED
    }

    /**
     * What a warm-up did.
     *
     * @param rounds      rounds completed
     * @param herd        requests answered on herd's own path
     * @param application requests of the application's answered
     * @param failed      requests that failed (an I/O error, or an answer herd's path never gives)
     * @param took        from the start to the last connection closed
     * @param ending      whether it served its rounds, or what cut it short
     */
    public record Outcome(int rounds, long herd, long application, long failed, Duration took, Ending ending) {
        /** Whether it ended before its rounds. */
        public boolean cutShort() {
            return ending != Ending.DONE;
        }

        /** For the handler's log. */
        public String describe() {
            String requests = String.format("%,d requests", herd + application)
                    + (application > 0 ? String.format(" (%,d of the application's)", application) : "");
            String what = switch (ending) {
                case DONE -> "warmed up in " + took.toMillis() + " ms: ";
                case TIME_LIMIT -> "warm-up cut short by --warmup-time after " + took.toMillis() + " ms: ";
                case HURRIED -> "warm-up cut short after " + took.toMillis()
                        + " ms: no handler accepts and clients wait, so this one joins now: ";
                case SKIPPED -> "no warm-up: ";
            };
            return what + rounds + " rounds, " + requests + (failed > 0 ? ", " + failed + " failed" : "");
        }
    }

    private final List<IoEventLoop> loops;
    private final SharedSocket shared;
    private final HandlerContext context;
    private final Set<Channel> served = ConcurrentHashMap.newKeySet();
    private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger roundsStarted = new AtomicInteger();
    private final AtomicInteger roundsDone = new AtomicInteger();
    private final AtomicLong herdAnswered = new AtomicLong();
    private final AtomicLong appAnswered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();
    private final AtomicBoolean hurried = new AtomicBoolean();

    private Warmup(List<IoEventLoop> loops, SharedSocket shared, HandlerContext context) {
        this.loops = loops;
        this.shared = shared;
        this.context = context;
    }

    /**
     * Runs {@code rounds} rounds on {@code loops}, or as many as fit in {@code limit} or come before
     * {@code hurry}, and returns once every warm-up connection is closed.
     *
     * @param production  the handler's HTTP pipeline (its limits and keep-alive are copied for herd's path)
     * @param application the requests of the application's own, sent through {@code production}; may be empty
     */
    public static Outcome run(List<IoEventLoop> loops, SharedSocket shared, HandlerContext context,
                              HttpPipeline production, List<WarmupRequest> application, int rounds, Duration limit,
                              Hurry hurry) {
        if (hurry.requested()) {
            return new Outcome(0, 0, 0, 0, Duration.ZERO, Ending.HURRIED);
        }
        Warmup warmup = new Warmup(loops, shared, context);
        hurry.whenRequested(warmup::cutForHurry);
        return warmup.run(production, application, rounds, limit);
    }

    /** From the hurrying thread: the clients stop, and their connections close under them. */
    private void cutForHurry() {
        hurried.set(true);
        stopping.set(true);
        clients.forEach(Warmup::closeQuietly);
    }

    private Outcome run(HttpPipeline production, List<WarmupRequest> application, int rounds, Duration limit) {
        long start = System.nanoTime();
        Scoreboard scratch = Scoreboard.scratch(1, loops.size());
        Scoreboard.SlotWriter slot = scratch.writer(0, loops.size());
        slot.begin(context.pid(), context.generation(), start);
        slot.state(SlotState.READY);
        List<Served> sockets = new ArrayList<>();
        try {
            Served herd = serve(WarmApp.pipelineLike(production), scratch, slot);
            sockets.add(herd);
            Served app = null;
            if (!application.isEmpty()) {
                app = serve(production, scratch, slot);
                sockets.add(app);
            }
            List<byte[]> appScript = application.stream().map(Warmup::encode).toList();
            List<String> appTargets = application.stream().map(r -> r.method() + " " + r.target()).toList();
            SocketAddress appAddress = app == null ? null : app.socket().address();
            List<Thread> threads = new ArrayList<>();
            int clientCount = Math.max(2, 2 * loops.size());
            for (int i = 0; i < clientCount; i++) {
                threads.add(Thread.ofPlatform().daemon().name("warmup-client-" + i).start(
                        () -> client(herd.socket().address(), appAddress, appScript, appTargets, rounds)));
            }
            long deadline = start + limit.toNanos();
            boolean timedOut = !joinUntil(threads, deadline);
            if (timedOut) {
                stopping.set(true);
                clients.forEach(Warmup::closeQuietly);
                joinUntil(threads, System.nanoTime() + CLOSE_WAIT.toNanos());
            }
            Ending ending = hurried.get() ? Ending.HURRIED : timedOut ? Ending.TIME_LIMIT : Ending.DONE;
            return new Outcome(roundsDone.get(), herdAnswered.get(), appAnswered.get(), failed.get(),
                    Duration.ofNanos(System.nanoTime() - start), ending);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "warm-up skipped: no private socket to warm up on: " + e.getMessage());
            return new Outcome(0, 0, 0, 0, Duration.ofNanos(System.nanoTime() - start), Ending.SKIPPED);
        } finally {
            stop(sockets);
            scratch.close();
        }
    }

    /** A private socket with a watch on every loop that serves what it accepts through {@code pipeline}. */
    private record Served(PrivateSocket socket, List<AcceptWatch> watches) {
    }

    private Served serve(HttpPipeline pipeline, Scoreboard scratch, Scoreboard.SlotWriter slot) throws IOException {
        PrivateSocket socket = PrivateSocket.like(shared);
        List<AcceptWatch> watches = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            IoEventLoop loop = loops.get(i);
            Scoreboard.LoopWriter counters = slot.loop(i);
            ServingLoop serving = new ServingLoop(loop, counters, context, () -> false,
                    new BusyTime(MonotonicClock.SYSTEM), scratch::meanConnectionsPerReadyLoop);
            AcceptWatch watch = new AcceptWatch(socket.socket(), loop, counters, accepted -> {
                served.add(accepted);
                accepted.closeFuture().addListener(f -> served.remove(accepted));
                pipeline.configure(accepted, serving);
                loop.register(accepted).addListener(f -> {
                    if (!f.isSuccess()) {
                        accepted.unsafe().closeForcibly();
                    }
                });
            }, scratch::meanConnectionsPerReadyLoop, ConnectionLimit.NONE);
            watches.add(watch);
        }
        Served made = new Served(socket, watches);
        for (AcceptWatch watch : watches) {
            watch.register(true).syncUninterruptibly();
        }
        return made;
    }

    /** One client thread: whole rounds until the rounds are all taken or the warm-up stops. */
    private void client(SocketAddress herd, SocketAddress app, List<byte[]> appScript, List<String> appTargets,
                        int rounds) {
        List<byte[]> kept = WarmApp.KEPT.stream().map(r -> r.getBytes(StandardCharsets.US_ASCII)).toList();
        List<byte[]> closing = List.of(WarmApp.CLOSING.getBytes(StandardCharsets.US_ASCII));
        List<String> keptTargets = WarmApp.KEPT.stream().map(Warmup::requestLine).toList();
        List<String> closingTargets = List.of(requestLine(WarmApp.CLOSING));
        while (!stopping.get() && roundsStarted.getAndIncrement() < rounds) {
            try {
                herdAnswered.addAndGet(exchange(herd, kept, keptTargets, true));
                herdAnswered.addAndGet(exchange(herd, closing, closingTargets, true));
                if (app != null) {
                    appAnswered.addAndGet(exchange(app, appScript, appTargets, false));
                }
                roundsDone.incrementAndGet();
            } catch (IOException e) {
                // Once the limit is reached the warm-up closes its own connections: not a failure.
                if (!stopping.get()) {
                    failed.incrementAndGet();
                    if (reported.putIfAbsent("io", true) == null) {
                        LOG.log(System.Logger.Level.WARNING, "warm-up request failed: " + e);
                    }
                }
            }
        }
    }

    /**
     * Sends {@code requests} one after the other on a new connection to {@code address} and reads
     * each answer; returns how many were answered. On herd's own path anything but 200 is a
     * failure; the application's answers other than 2xx and 3xx are logged once per request.
     */
    private long exchange(SocketAddress address, List<byte[]> requests, List<String> lines, boolean herdPath)
            throws IOException {
        long answered = 0;
        try (SocketChannel channel = SocketChannel.open(address)) {
            clients.add(channel);
            OutputStream out = Channels.newOutputStream(channel);
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            for (int i = 0; i < requests.size(); i++) {
                out.write(requests.get(i));
                Answer answer = Answer.read(in, lines.get(i).startsWith("HEAD "));
                answered++;
                if (herdPath && answer.status() != 200) {
                    failed.incrementAndGet();
                } else if (!herdPath && answer.status() >= 400 && reported.putIfAbsent(lines.get(i), true) == null) {
                    LOG.log(System.Logger.Level.WARNING, "the application's warm-up request " + lines.get(i)
                            + " was answered " + answer.status());
                }
                if (answer.closes()) {
                    break;
                }
            }
        } finally {
            clients.removeIf(c -> !c.isOpen());
        }
        return answered;
    }

    /** Stops the watches, closes the sockets, and waits (briefly) for the served connections to close. */
    private void stop(List<Served> sockets) {
        for (Served socket : sockets) {
            socket.watches().stream().map(AcceptWatch::stop).toList()
                    .forEach(f -> f.awaitUninterruptibly(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS));
            try {
                socket.socket().close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a warm-up socket: " + e);
            }
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Channel channel : List.copyOf(served)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                channel.close();
            }
        }
    }

    /** The request as it goes on the wire: HTTP/1.1, {@code Host: herd}, and a length for a body. */
    static byte[] encode(WarmupRequest request) {
        StringBuilder head = new StringBuilder().append(request.method()).append(' ').append(request.target())
                .append(" HTTP/1.1\r\nHost: herd\r\n");
        request.headers().forEach(field -> head.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n"));
        byte[] body = request.body();
        if (body.length > 0 || request.method().equals("POST") || request.method().equals("PUT")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    private static String requestLine(String request) {
        return request.substring(0, request.indexOf(" HTTP/"));
    }

    /** Waits for every thread until {@code deadline}; whether they all ended. */
    private static boolean joinUntil(List<Thread> threads, long deadline) {
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing only to unblock its reader.
        }
    }
}
