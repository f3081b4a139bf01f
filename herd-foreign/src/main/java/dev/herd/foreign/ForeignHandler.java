package dev.herd.foreign;

import dev.herd.config.Config;
import dev.herd.config.ForeignJar;
import dev.herd.config.HandlerSettings;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;
import dev.herd.os.ParentWatch;
import dev.herd.os.Signal;
import dev.herd.os.Signals;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The entry point of a foreign handler: an existing server's own JVM, started by the spawner with
 * the listening socket as its standard input. It claims the handler's scoreboard slot, keeps its
 * heartbeat, and runs the jar's main. It is ready once the server accepts on herd's socket, as
 * libherd-socket sees it (or when a framework integration calls {@link Herd#ready()}); on SIGTERM
 * the server stops accepting there, the slot turns draining, and the framework drains.
 *
 * <pre>java ... -cp APP.jar:herd-foreign.jar:herd-common.jar dev.herd.foreign.ForeignHandler
 *     slot=N generation=G scoreboard=PATH spawner-pid=P heartbeat=D spawned=T main=CLASS -- ARGS</pre>
 */
public final class ForeignHandler {
    private static final System.Logger LOG = System.getLogger(ForeignHandler.class.getName());
    private static final AtomicReference<ForeignHandler> CURRENT = new AtomicReference<>();
    private static final long STARTING_POLL_NANOS = 20_000_000;
    /** As herd's own handlers and herd-spring-boot give a connection accepted just before the stop. */
    private static final long STOP_GRACE_NANOS = 1_000_000_000;

    private final Scoreboard.SlotWriter slot;
    private final int generation;
    private final long spawned;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    private ForeignHandler(Scoreboard.SlotWriter slot, int generation, long spawned) {
        this.slot = slot;
        this.generation = generation;
        this.spawned = spawned;
    }

    public static void main(String[] args) {
        List<String> all = List.of(args);
        int split = all.indexOf("--");
        List<String> settings = split < 0 ? all : all.subList(0, split);
        String[] programArgs = split < 0 ? new String[0] : all.subList(split + 1, all.size()).toArray(String[]::new);
        Config config;
        try {
            config = Config.fromArguments(HandlerSettings.ALL, settings);
        } catch (IllegalArgumentException e) {
            System.err.println("herd: bad foreign handler arguments: " + e.getMessage());
            System.exit(ExitCode.CONFIG.status());
            return;
        }
        // herd's log format is not set here: the JVM is the application's, and so is its logging.
        long spawnerPid = config.get(HandlerSettings.SPAWNER_PID);
        ParentWatch.start(spawnerPid);
        // Ctrl-C reaches the whole process group: the spawner decides what its handlers do. SIGUSR1
        // ("the pool needs you now") has nothing to hurry here, and would end the JVM otherwise.
        Signals.ignore(Signal.INT);
        Signals.ignore(Signal.USR1);

        ForeignHandler handler;
        try {
            Scoreboard scoreboard = Scoreboard.open(Path.of(config.get(HandlerSettings.SCOREBOARD)));
            handler = new ForeignHandler(scoreboard.writer(config.get(HandlerSettings.SLOT), 1),
                    config.get(HandlerSettings.GENERATION), config.get(HandlerSettings.SPAWNED));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "boot failed: cannot open the scoreboard", e);
            System.exit(ExitCode.FAILURE.status());
            return;
        }
        Optional<SocketLibrary> library;
        try {
            library = Optional.ofNullable(System.getProperty(ForeignJar.SOCKET_LIBRARY_PROPERTY))
                    .map(path -> SocketLibrary.load(Path.of(path)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "boot failed: cannot read libherd-socket: " + e.getMessage());
            System.exit(ExitCode.FAILURE.status());
            return;
        }
        // Ready when the server accepts on herd's socket, as the library sees; or when a framework
        // integration says so (Herd.ready()), which knows more of the application's own start.
        boolean readyBySocket = !ForeignJar.READY_BY_APPLICATION.equals(System.getProperty(ForeignJar.READY_PROPERTY));
        handler.start(config.get(HandlerSettings.HEARTBEAT).toNanos(), library, readyBySocket);
        String main = config.get(Settings.MAIN).orElseThrow(() -> new IllegalStateException("no main= argument"));
        try {
            Class.forName(main, true, ClassLoader.getSystemClassLoader())
                    .getMethod("main", String[].class).invoke(null, (Object) programArgs);
        } catch (InvocationTargetException e) {
            LOG.log(System.Logger.Level.ERROR, "boot failed: " + main + ".main threw " + e.getCause(), e.getCause());
            System.exit(ExitCode.FAILURE.status());
        } catch (ReflectiveOperationException e) {
            LOG.log(System.Logger.Level.ERROR, "boot failed: the jar's main " + main + " cannot run: " + e);
            System.exit(ExitCode.FAILURE.status());
        }
    }

    static Optional<ForeignHandler> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Claims the slot, starts the heartbeat, and, when SIGTERM comes, has the server stop accepting
     * on herd's socket and marks the slot draining, before the server's own shutdown begins.
     */
    private void start(long heartbeatNanos, Optional<SocketLibrary> library, boolean readyBySocket) {
        slot.begin(ProcessHandle.current().pid(), generation, System.nanoTime());
        CURRENT.set(this);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread.ofPlatform().name("herd-heartbeat").daemon().start(() -> {
            SocketLibrary.Counts seen = SocketLibrary.Counts.NONE;
            while (true) {
                // A deadlocked server is hung: the heartbeat stops, and the spawner dumps and replaces it.
                if (threads.findDeadlockedThreads() == null) {
                    slot.loop(0).stamp(System.nanoTime(), 0);
                }
                if (library.isPresent()) {
                    seen = watch(library.get().counts(), seen, readyBySocket);
                }
                // Until ready, look often: readiness is seen here, and a start's time counts to it.
                LockSupport.parkNanos(ready.get() ? heartbeatNanos : Math.min(heartbeatNanos, STARTING_POLL_NANOS));
            }
        });
        Runnable drain = () -> {
            if (draining.getAndSet(true)) {
                return;
            }
            library.ifPresent(SocketLibrary::stop);
            slot.state(SlotState.DRAINING);
            LOG.log(System.Logger.Level.INFO, "stop requested: the server accepts no more and drains");
        };
        Signals.before(Signal.TERM, () -> {
            drain.run();
            if (readyBySocket) {
                // A connection accepted just before the stop has a moment to send its request while
                // the server still serves in full: a graceful shutdown might refuse it (Jetty's
                // answers 503) or close it as idle. A framework integration gives its own grace.
                LockSupport.parkNanos(STOP_GRACE_NANOS);
            }
        });
        // Should the server install its own SIGTERM handler over herd's, the JVM's shutdown still runs this.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("herd-drain").unstarted(drain));
    }

    /** Publishes what the library counted since {@code before}, and acts on what it saw. */
    private SocketLibrary.Counts watch(SocketLibrary.Counts now, SocketLibrary.Counts before, boolean readyBySocket) {
        slot.loop(0).accepts(now.acceptsWon() - before.acceptsWon(), now.acceptsLost() - before.acceptsLost(),
                now.acceptErrors() - before.acceptErrors());
        if (now.refusedPort() != 0 && !ready.get()) {
            // The library said why on stderr; a server that serves another port serves nobody here.
            LOG.log(System.Logger.Level.ERROR, "boot failed: the server listens on port " + now.refusedPort()
                    + ", not on herd's port " + now.port());
            Runtime.getRuntime().halt(ExitCode.FAILURE.status());
        }
        if (readyBySocket && now.accepting()) {
            ready();
        }
        return now;
    }

    void ready() {
        if (draining.get() || ready.getAndSet(true)) {
            return;
        }
        slot.state(SlotState.READY);
        LOG.log(System.Logger.Level.INFO, "ready: generation " + generation + ", the server accepts on herd's socket"
                + (spawned == 0 ? "" : ", " + (System.nanoTime() - spawned) / 1_000_000 + " ms after spawn"));
    }

}
