package dev.herd.handler;

import dev.herd.api.HandlerContext;
import dev.herd.config.Config;
import dev.herd.config.HandlerSettings;
import dev.herd.config.Settings;
import dev.herd.handler.accept.AcceptWatch;
import dev.herd.handler.accept.ConnectionLimit;
import dev.herd.handler.accept.SharedSocket;
import dev.herd.handler.app.Served;
import dev.herd.handler.busy.BusyMeter;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.h2.Http2Pipeline;
import dev.herd.handler.http.BodyPace;
import dev.herd.handler.http.HttpPipeline;
import dev.herd.handler.http.RedirectService;
import dev.herd.handler.http.ServingLoop;
import dev.herd.handler.log.AccessLog;
import dev.herd.handler.tls.ServerTls;
import dev.herd.handler.warmup.ClassWarmup;
import dev.herd.handler.warmup.Hurry;
import dev.herd.handler.warmup.Warmup;
import dev.herd.os.ExitCode;
import dev.herd.os.Posix;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;
import dev.herd.tls.TicketKeys;
import dev.herd.tls.TlsMaterial;
import io.netty.channel.Channel;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * A running handler: its event loops, their watches on the shared socket, and the connections
 * they serve. Built by {@link #start}; stopped by {@link #requestStop} then
 * {@link #awaitStopAndDrain} on the main thread.
 */
final class Handler {
    private static final System.Logger LOG = System.getLogger(Handler.class.getName());
    /** How long an orphaned handler (spawner gone) gives its requests before it exits. */
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(1);

    private final MultiThreadIoEventLoopGroup group;
    private final Scoreboard scoreboard;
    private final Scoreboard.SlotWriter slot;
    private final List<AcceptWatch> accepts = new ArrayList<>();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final Duration gracefulTimeout;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean draining;
    private volatile boolean orphaned;
    private final long spawnerPid;
    private final java.util.concurrent.atomic.AtomicBoolean activated = new java.util.concurrent.atomic.AtomicBoolean();
    private final Served served;
    private final HandlerContext context;
    private final SharedSocket socket;
    /** The sockets of --bind's other addresses, if any. */
    private List<SharedSocket> more = List.of();
    private AccessLog accessLog = AccessLog.OFF;

    private Handler(MultiThreadIoEventLoopGroup group, Scoreboard scoreboard, Scoreboard.SlotWriter slot,
                    Duration gracefulTimeout, long spawnerPid, Served served, HandlerContext context,
                    SharedSocket socket) {
        this.spawnerPid = spawnerPid;
        this.socket = socket;
        this.served = served;
        this.context = context;
        this.group = group;
        this.scoreboard = scoreboard;
        this.slot = slot;
        this.gracefulTimeout = gracefulTimeout;
    }

    /**
     * The listening socket handed over as standard input (descriptor 0), for the loops of
     * {@code config}'s transport; it must be non-blocking (shared by every handler).
     */
    static SharedSocket inheritedSocket(Config config) throws IOException {
        if (!(System.inheritedChannel() instanceof ServerSocketChannel socket)) {
            throw new IOException("standard input is not a listening socket: start handlers through the spawner");
        }
        socket.configureBlocking(false);
        return SharedSocket.of(config.get(Settings.TRANSPORT), config.get(Settings.ACCEPT), socket, 0);
    }

    /**
     * Starts the event loops on the shared socket, serving what {@code served} says. The
     * application's code runs with its own class loader as the loops' context class loader.
     * {@code hurry} cuts the warm-up short.
     */
    static Handler start(Config config, SharedSocket socket, HandlerContext context, Served served, Hurry hurry)
            throws IOException {
        Scoreboard scoreboard = Scoreboard.open(Path.of(config.get(HandlerSettings.SCOREBOARD)));
        // The spawner laid the scoreboard out for the pool's loops per handler (--threads, resolved).
        int threads = scoreboard.loopsPerSlot();
        int slotIndex = context.slot();
        int generation = context.generation();
        long pid = context.pid();
        Scoreboard.SlotWriter slot = scoreboard.writer(slotIndex, threads);
        slot.begin(pid, generation, System.nanoTime());

        AtomicInteger loopNumber = new AtomicInteger();
        ClassLoader appLoader = served.loader();
        BusyMeter meter = new BusyMeter(socket.ioHandlers());
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
                (java.util.concurrent.ThreadFactory) r -> {
                    Thread t = new FastThreadLocalThread(r, "loop-" + loopNumber.getAndIncrement());
                    t.setContextClassLoader(appLoader);
                    return t;
                },
                meter);
        Handler handler = new Handler(group, scoreboard, slot, config.get(Settings.GRACEFUL_TIMEOUT),
                config.get(HandlerSettings.SPAWNER_PID), served, context, socket);
        HttpPipeline pipeline = served.tcp() != null ? null : new HttpPipeline(served.http(),
                (int) Math.min(Integer.MAX_VALUE, config.get(Settings.MAX_INITIAL_LINE)),
                (int) Math.min(Integer.MAX_VALUE, config.get(Settings.MAX_HEADER_SIZE)),
                config.get(Settings.MAX_HEADERS), config.get(Settings.MAX_BODY),
                new HttpPipeline.KeepAlive(config.get(Settings.KEEPALIVE_TIMEOUT), config.get(Settings.KEEPALIVE_REQUESTS),
                        config.get(Settings.MAX_CONNECTION_AGE)),
                new HttpPipeline.Deadlines(config.get(Settings.HEADER_TIMEOUT),
                        new BodyPace(config.get(Settings.BODY_TIMEOUT), config.get(Settings.BODY_MIN_RATE))),
                new HttpPipeline.Buffering(config.get(Settings.REQUEST_BUFFERING),
                        config.get(Settings.REQUEST_BUFFER_MEMORY)));
        List<Listening> listening = listening(config, socket, pipeline);
        handler.more = listening.stream().skip(1).map(Listening::socket).toList();
        if (pipeline != null) {
            ClassWarmup.run(pipeline, context);
            handler.accessLog = AccessLog.open(config.get(Settings.ACCESS_LOG), config.get(Settings.ACCESS_LOG_FORMAT),
                    context, scoreboard::logEpoch);
        }
        List<IoEventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((IoEventLoop) executor));
        listening.stream().flatMap(l -> l.entrance() == null ? java.util.stream.Stream.empty()
                : l.entrance().tls().stream()).findFirst().ifPresent(tls ->
                // The spawner rotates the pool's ticket keys; one loop takes each rotation for every context.
                loops.getFirst().scheduleAtFixedRate(tls::refreshTickets, 1, 1, TimeUnit.SECONDS));
        String placement = "";
        if (config.get(Settings.CPU_AFFINITY) == Settings.CpuAffinity.AUTO) {
            placement = ", on " + CpuPinning.describe(CpuPinning.pin(loops, slotIndex));
        }
        long heartbeat = config.get(HandlerSettings.HEARTBEAT).toNanos();
        boolean standby = config.get(HandlerSettings.STANDBY);
        handler.activated.set(!standby);

        // The share a loop compares itself with: of every loop that can take a connection it lets pass.
        DoubleSupplier fairShare = socket.accept() == Settings.Accept.REUSEPORT
                ? () -> scoreboard.meanConnectionsPerLoopOf(slotIndex) : scoreboard::meanConnectionsPerReadyLoop;
        int index = 0;
        List<io.netty.util.concurrent.Future<?>> registrations = new ArrayList<>();
        ConnectionLimit limit = new ConnectionLimit(config.get(Settings.MAX_CONNECTIONS), handler.connections::size);
        for (IoEventLoop loop : loops) {
            Scoreboard.LoopWriter counters = slot.loop(index++);
            BusyTime busy = meter.of(loop);
            ServingLoop serving = new ServingLoop(loop, counters, context, () -> handler.draining, busy, fairShare)
                    .withAccessLog(handler.accessLog.forLoop(loop));
            loop.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                counters.stamp(now, busy.busyNanos(now));
            }, 0, heartbeat, TimeUnit.NANOSECONDS);
            for (Listening listener : listening) {
                AcceptWatch accept = new AcceptWatch(listener.socket(), loop, counters,
                        accepted -> handler.serve(accepted, loop, serving, listener.entrance()), fairShare, limit);
                handler.accepts.add(accept);
                // Registered paused: the loops join the accept race once warm.
                registrations.add(accept.register(false));
            }
        }
        for (var registration : registrations) {
            registration.syncUninterruptibly();
        }
        long rounds = config.get(Settings.WARMUP);
        if (pipeline != null && rounds > 0) {
            warmUp(loops, socket, context, pipeline, served, (int) rounds, config.get(Settings.WARMUP_TIME), hurry,
                    meter, slot);
        }
        if (!standby) {
            handler.accepts.forEach(AcceptWatch::watch);
        }
        if (standby) {
            slot.state(SlotState.STANDBY);
            LOG.log(System.Logger.Level.INFO, "on standby: generation " + generation + ", " + threads
                    + " event loops ready to watch " + socket.describe() + placement + bootTime(config));
        } else {
            slot.state(SlotState.READY);
            LOG.log(System.Logger.Level.INFO, "ready: generation " + generation + ", " + threads
                    + " event loops watching " + socket.describe() + placement + bootTime(config));
        }
        return handler;
    }

    /** A listening socket, and how its connections are set up (null for a TCP application). */
    private record Listening(SharedSocket socket, HttpEntrance entrance) {
    }

    /**
     * The sockets this handler listens on and what each serves ({@link HandlerSettings#LISTENERS}):
     * its standard input, and with several {@code --bind} addresses its descriptors 3, 4, ...;
     * each with TLS (when the spawner shared certificates with this handler: it read them, so that
     * the key files may be root's alone), in cleartext, or redirecting to https; HTTP/2 where enabled.
     */
    private static List<Listening> listening(Config config, SharedSocket first, HttpPipeline pipeline)
            throws IOException {
        if (pipeline == null) {
            return List.of(new Listening(first, null));
        }
        Optional<ServerTls> tls = Optional.empty();
        String material = config.get(HandlerSettings.TLS);
        if (!material.equals("none")) {
            ServerTls serverTls = ServerTls.of(TlsMaterial.read(Path.of(material)),
                    TicketKeys.open(Path.of(config.get(HandlerSettings.TLS_TICKETS))), config.get(Settings.HTTP2),
                    config.get(Settings.TLS_TICKET_ROTATION), config.get(Settings.HEADER_TIMEOUT));
            LOG.log(System.Logger.Level.INFO, "TLS by " + serverTls.describe());
            tls = Optional.of(serverTls);
        }
        List<Listening> listening = new ArrayList<>();
        for (String entry : config.get(HandlerSettings.LISTENERS).split(",")) {
            String[] parts = entry.strip().split(":");
            int fd = Integer.parseInt(parts[0]);
            SharedSocket socket = fd == 0 ? first : SharedSocket.ofDescriptor(first.transport(), first.accept(), fd);
            String kind = parts.length > 1 ? parts[1] : "default";
            HttpPipeline served = kind.equals("redirect")
                    ? pipeline.serving(new RedirectService(Integer.parseInt(parts[2]))) : pipeline;
            Optional<ServerTls> secure = kind.equals("tls") || kind.equals("default") ? tls : Optional.empty();
            if (kind.equals("tls") && tls.isEmpty()) {
                throw new IOException("socket " + fd + " serves TLS, and the spawner shared no certificate");
            }
            Http2Pipeline http2 = new Http2Pipeline(served, config.get(Settings.H2_MAX_STREAMS),
                    served.keepAlive().idleTimeout(), config.get(Settings.BODY_TIMEOUT),
                    config.get(Settings.GRACEFUL_TIMEOUT));
            listening.add(new Listening(socket, new HttpEntrance(served, http2, secure,
                    secure.isEmpty() && config.get(Settings.H2C))));
        }
        return List.copyOf(listening);
    }

    /**
     * Runs the warm-up ({@link Warmup}) on the loops, then starts their busy time again: the
     * warm-up kept them busy, and that must not look like load to the spawner's scaling.
     */
    private static void warmUp(List<IoEventLoop> loops, SharedSocket socket, HandlerContext context,
                               HttpPipeline pipeline, Served served, int rounds, Duration limit, Hurry hurry,
                               BusyMeter meter, Scoreboard.SlotWriter slot) {
        Warmup.Outcome warm = Warmup.run(loops, socket, context, pipeline, served.warmup(), rounds, limit, hurry);
        // Cut short is what busy cores do to a warm-up, not a fault; a failed request is one.
        LOG.log(warm.failed() > 0 ? System.Logger.Level.WARNING : System.Logger.Level.INFO, warm.describe());
        List<io.netty.util.concurrent.Future<?>> restarts = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            BusyTime busy = meter.of(loops.get(i));
            Scoreboard.LoopWriter counters = slot.loop(i);
            restarts.add(loops.get(i).submit(() -> {
                long now = System.nanoTime();
                busy.restart(now);
                counters.stamp(now, busy.busyNanos(now));
            }));
        }
        restarts.forEach(io.netty.util.concurrent.Future::syncUninterruptibly);
    }

    /** How long the boot took since the spawner started this process, for the ready line. */
    private static String bootTime(Config config) {
        long spawned = config.get(HandlerSettings.SPAWNED);
        return spawned == 0 ? "" : ", " + (System.nanoTime() - spawned) / 1_000_000 + " ms after spawn";
    }

    /** Called from the USR1 signal's thread: a standby handler starts accepting. */
    void activate() {
        if (draining || activated.getAndSet(true)) {
            return;
        }
        accepts.forEach(AcceptWatch::watch);
        slot.state(SlotState.READY);
        LOG.log(System.Logger.Level.INFO, "activated: watching " + socket.describe());
    }

    /** Runs on the loop that accepted: the connection is served by that same loop. */
    private void serve(Channel channel, IoEventLoop loop, ServingLoop serving, HttpEntrance entrance) {
        serving.counters().connectionOpened();
        connections.add(channel);
        channel.closeFuture().addListener(f -> {
            serving.counters().connectionClosed();
            connections.remove(channel);
        });
        if (served.tcp() != null) {
            served.tcp().configure(channel, serving);
        } else {
            entrance.configure(channel, serving);
        }
        loop.register(channel).addListener(f -> {
            if (!f.isSuccess()) {
                channel.unsafe().closeForcibly();
            }
        });
    }

    /** Called from the TERM signal's thread: only records the request. */
    void requestStop(boolean spawnerGone) {
        orphaned |= spawnerGone;
        stopRequested.countDown();
    }

    /**
     * Waits for a stop request, then drains: stop watching the socket (the other handlers keep
     * accepting, nothing queued is lost), tell every connection (the protocol closes those that
     * stay idle), let requests finish within the graceful timeout, and exit.
     */
    ExitCode awaitStopAndDrain() {
        boolean interrupted = false;
        while (true) {
            try {
                stopRequested.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // Read once: the signal thread may set it at any moment, and what matters below is which
        // grace the deadline was computed with.
        boolean orphanedAtStart = orphaned;
        Duration grace = orphanedAtStart ? ORPHAN_GRACE : gracefulTimeout;
        LOG.log(System.Logger.Level.INFO, (orphanedAtStart ? "spawner gone" : "stop requested") + ": draining "
                + connections.size() + " connections (up to " + grace.toMillis() + " ms)");
        draining = true;
        slot.state(SlotState.DRAINING);
        // First every loop stops accepting, then the connections are told: a connection accepted
        // while the loops were being stopped is among them, none slips through.
        boolean watched = false;
        for (io.netty.util.concurrent.Future<?> stop : accepts.stream().map(AcceptWatch::stop).toList()) {
            watched |= !stop.awaitUninterruptibly(1, TimeUnit.SECONDS) || !stop.isSuccess();
        }
        if (!watched) {
            // This handler's descriptor goes, the spawner's stays. With --accept reuseport, a socket
            // the spawner gave up (the pool shrank) leaves the group only with its last descriptor.
            socket.release();
            more.forEach(SharedSocket::release);
        }
        for (Channel channel : connections) {
            channel.eventLoop().execute(() -> channel.pipeline().fireUserEventTriggered(Drain.INSTANCE));
        }
        served.stop(context);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean shortened = orphanedAtStart;
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            // The parent-death signal can come before the kernel shows the new parent, and a
            // later signal can say what the first did not: look again.
            if (!orphaned && Posix.getppid() != spawnerPid) {
                orphaned = true;
            }
            if (orphaned && !shortened) {
                shortened = true;
                deadline = Math.min(deadline, System.nanoTime() + ORPHAN_GRACE.toNanos());
                LOG.log(System.Logger.Level.INFO, "spawner gone: " + connections.size()
                        + " connections get " + ORPHAN_GRACE.toMillis() + " ms more");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = connections.size();
        if (left > 0) {
            LOG.log(System.Logger.Level.WARNING, "graceful timeout: closing " + left + " connections with requests in flight");
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        // The loops have ended: their last lines are written now.
        accessLog.close();
        scoreboard.close();
        LOG.log(System.Logger.Level.INFO, "stopped");
        return orphaned ? ExitCode.ORPHANED : ExitCode.OK;
    }
}
