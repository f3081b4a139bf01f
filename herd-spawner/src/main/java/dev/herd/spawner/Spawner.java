package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;
import dev.herd.os.ListeningSocket;
import dev.herd.os.Signal;
import dev.herd.os.Signals;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotSnapshot;
import dev.herd.scoreboard.SlotState;
import dev.herd.time.MonotonicClock;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The supervising process: owns the listening socket and the scoreboard, keeps the configured
 * number of handlers running, replaces those that die or hang, and stops them gracefully.
 *
 * <p>Everything happens on the thread that calls {@link #run()} — including every spawn, since
 * a handler's parent-death signal follows the thread that started it. Other threads only put
 * {@link SpawnerEvent}s on the queue.
 */
public final class Spawner {
    /** Longest sleep of the loop: how soon a handler's readiness or a missed heartbeat is seen. */
    static final Duration TICK = Duration.ofMillis(50);
    /** Between the thread dump (SIGQUIT) of a hung handler and its SIGKILL. */
    static final Duration DUMP_GRACE = Duration.ofSeconds(1);
    /** A pass that starts this late after the previous one means the spawner itself was stalled. */
    static final Duration OVERSLEPT = Duration.ofSeconds(1);

    private final Config config;
    private final ListeningSocket socket;
    private final Scoreboard scoreboard;
    private final MonotonicClock clock;
    private final HandlerCommand command;
    private final BlockingQueue<SpawnerEvent> events = new LinkedBlockingQueue<>();
    private final EventLog log = new EventLog(200);
    private final List<HandlerHandle> handlers = new ArrayList<>();
    private final BitSet usedSlots = new BitSet();
    private final BootFailures bootFailures;
    private final Duration timeout;
    private final Duration bootTimeout;
    private final Duration gracefulTimeout;
    private final long startedAtNanos;
    private volatile PoolView view;
    private int target;
    private int generation = 1;
    private boolean stopping;
    private long stopDeadlineNanos;
    private ExitCode exitCode = ExitCode.OK;
    private long lastPassNanos;
    /** The event that ended the last wait; handled first in the next pass. */
    private SpawnerEvent woken;

    public Spawner(Config config, ListeningSocket socket, Scoreboard scoreboard, MonotonicClock clock) {
        this.config = config;
        this.socket = socket;
        this.scoreboard = scoreboard;
        this.clock = clock;
        this.timeout = config.get(Settings.TIMEOUT);
        this.bootTimeout = config.get(Settings.BOOT_TIMEOUT);
        this.gracefulTimeout = config.get(Settings.GRACEFUL_TIMEOUT);
        this.target = config.get(Settings.HANDLERS);
        this.bootFailures = new BootFailures(config.get(Settings.MAX_BOOT_FAILURES),
                Duration.ofMillis(100), Duration.ofSeconds(10));
        this.command = HandlerCommand.of(config, scoreboard.path(), heartbeatFor(timeout));
        this.startedAtNanos = clock.nanoTime();
        publish();
    }

    /** Each loop stamps a few times per timeout, so one late stamp is never mistaken for a hang. */
    static Duration heartbeatFor(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        Duration min = Duration.ofMillis(50);
        Duration max = Duration.ofSeconds(1);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }

    public static int slotsFor(Config config) {
        // Room for replacements to start while the handlers they replace still drain.
        return config.get(Settings.HANDLERS) * 2;
    }

    /** For the admin endpoints: safe from any thread. */
    public PoolView view() {
        return view;
    }

    public EventLog events() {
        return log;
    }

    public Scoreboard scoreboard() {
        return scoreboard;
    }

    public ListeningSocket socket() {
        return socket;
    }

    /** From any thread: asks for a graceful stop. */
    public void requestStop(String source) {
        events.add(new SpawnerEvent.StopRequested(source));
    }

    public void installSignalHandlers() {
        for (Signal s : List.of(Signal.TERM, Signal.INT, Signal.HUP)) {
            Signals.handle(s, signal -> events.add(new SpawnerEvent.SignalReceived(signal)));
        }
    }

    /** Runs until every handler has exited after a stop; returns the process's exit code. */
    public ExitCode run() {
        log.add(Level.INFO, "start", "starting " + target + " handlers of " + config.get(Settings.THREADS)
                + " threads on " + socket.address());
        lastPassNanos = clock.nanoTime();
        while (true) {
            long now = clock.nanoTime();
            boolean overslept = now - lastPassNanos > TICK.toNanos() + OVERSLEPT.toNanos();
            lastPassNanos = now;
            handleEvents(now);
            noticeReadiness(now);
            if (stopping) {
                if (handlers.isEmpty()) {
                    break;
                }
                killStragglers(now);
            } else {
                killHung(now, overslept);
                spawnMissing(now);
            }
            publish();
            waitForEvent(now);
        }
        log.add(Level.INFO, "stopped", "all handlers have exited; spawner exits with " + exitCode);
        publish();
        return exitCode;
    }

    private void handleEvents(long now) {
        SpawnerEvent event = woken;
        woken = null;
        if (event == null) {
            event = events.poll();
        }
        for (; event != null; event = events.poll()) {
            switch (event) {
                case SpawnerEvent.SignalReceived(Signal signal) -> onSignal(signal, now);
                case SpawnerEvent.HandlerExited(HandlerHandle handle, int status) -> reap(handle, status, now);
                case SpawnerEvent.StopRequested(String source) -> beginStop(source, now, ExitCode.OK);
            }
        }
    }

    private void onSignal(Signal signal, long now) {
        switch (signal) {
            case INT -> {
                if (stopping) {
                    log.add(Level.WARNING, "kill", "second SIGINT: killing " + handlers.size() + " handlers now");
                    handlers.forEach(HandlerHandle::kill);
                } else {
                    beginStop("SIGINT", now, ExitCode.OK);
                }
            }
            case TERM -> beginStop("SIGTERM", now, ExitCode.OK);
            case HUP -> log.add(Level.WARNING, "signal", "SIGHUP received: reloading is not available in this version; ignored");
            default -> log.add(Level.WARNING, "signal", signal.fullName() + " ignored");
        }
    }

    private void beginStop(String why, long now, ExitCode code) {
        if (stopping) {
            return;
        }
        stopping = true;
        exitCode = code;
        stopDeadlineNanos = now + gracefulTimeout.toNanos();
        log.add(Level.INFO, "stop", why + ": graceful stop of " + handlers.size() + " handlers (up to "
                + gracefulTimeout.toMillis() + " ms)");
        handlers.forEach(h -> h.terminate(now));
    }

    private void reap(HandlerHandle handle, int status, long now) {
        if (!handlers.remove(handle)) {
            return;
        }
        usedSlots.clear(handle.slot());
        String how = HandlerHandle.describeExit(status);
        if (stopping || handle.terminating()) {
            log.add(Level.INFO, "exit", handle + " " + how);
        } else if (handle.phase() == HandlerHandle.Phase.STARTING) {
            Duration delay = bootFailures.failed(now);
            log.add(Level.ERROR, "boot-failure", handle + " " + how + " before it was ready ("
                    + bootFailures.inRow() + " boot failures in a row); next spawn in " + delay.toMillis() + " ms");
            if (bootFailures.gaveUp()) {
                log.add(Level.ERROR, "give-up", "handlers failed to boot " + bootFailures.inRow()
                        + " times in a row; stopping. Check --handler-jvm-opts and the handler output above.");
                beginStop("boot failures", now, ExitCode.BOOT_FAILURE);
            }
        } else if (handle.killed()) {
            log.add(Level.INFO, "exit", handle + " " + how + " after it hung; replacing it");
        } else {
            log.add(Level.WARNING, "exit", handle + " " + how + " unexpectedly; replacing it");
        }
    }

    private void noticeReadiness(long now) {
        for (HandlerHandle h : handlers) {
            if (h.phase() == HandlerHandle.Phase.STARTING) {
                SlotSnapshot slot = scoreboard.read(h.slot());
                if (slot.pid() == h.pid() && slot.state() == SlotState.READY) {
                    h.ready(now);
                    bootFailures.succeeded();
                    log.add(Level.INFO, "ready", h + " ready " + (now - h.spawnedAtNanos()) / 1_000_000
                            + " ms after spawn");
                }
            }
        }
    }

    /**
     * Two deadlines: a handler not ready within the boot timeout, and a ready handler whose
     * oldest loop heartbeat is older than the timeout. Both get a thread dump, then SIGKILL.
     * Skipped when this pass itself comes late: then the spawner, not the handlers, was stalled.
     */
    private void killHung(long now, boolean overslept) {
        if (overslept) {
            log.add(Level.WARNING, "overslept", "spawner loop stalled; not judging heartbeats this pass");
            return;
        }
        for (HandlerHandle h : handlers) {
            if (h.killed() || h.terminating()) {
                continue;
            }
            if (h.dumped()) {
                if (now - h.quitSentAtNanos() >= DUMP_GRACE.toNanos()) {
                    log.add(Level.ERROR, "kill", h + " still hung after its thread dump: SIGKILL");
                    h.kill();
                }
                continue;
            }
            if (h.phase() == HandlerHandle.Phase.STARTING) {
                if (now - h.spawnedAtNanos() > bootTimeout.toNanos()) {
                    log.add(Level.ERROR, "hung", h + " not ready after " + bootTimeout.toMillis()
                            + " ms: thread dump (SIGQUIT), then SIGKILL");
                    h.dumpThreads(now);
                }
                continue;
            }
            SlotSnapshot slot = scoreboard.read(h.slot());
            long age = now - slot.oldestHeartbeatNanos();
            if (slot.pid() == h.pid() && age > timeout.toNanos()) {
                log.add(Level.ERROR, "hung", h + " missed heartbeats for " + age / 1_000_000
                        + " ms (timeout " + timeout.toMillis() + " ms): thread dump (SIGQUIT), then SIGKILL");
                h.dumpThreads(now);
            }
        }
    }

    private void killStragglers(long now) {
        if (now - stopDeadlineNanos < 0) {
            return;
        }
        for (HandlerHandle h : handlers) {
            if (!h.killed()) {
                log.add(Level.WARNING, "kill", h + " did not stop within the graceful timeout: SIGKILL");
                h.kill();
            }
        }
    }

    private void spawnMissing(long now) {
        long live = handlers.stream().filter(h -> !h.terminating() && !h.killed()).count();
        while (live < target && bootFailures.maySpawn(now)) {
            if (!spawn(now)) {
                return;
            }
            live++;
        }
    }

    private boolean spawn(long now) {
        int slot = usedSlots.nextClearBit(0);
        if (slot >= scoreboard.slots()) {
            return false;
        }
        scoreboard.clear(slot);
        ProcessBuilder builder = new ProcessBuilder(command.forHandler(slot, generation))
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // Socket activation was meant for the spawner; the handler gets the socket as fd 0.
        builder.environment().keySet().removeAll(List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            Duration delay = bootFailures.failed(now);
            log.add(Level.ERROR, "boot-failure", "cannot start a handler: " + e.getMessage() + "; next try in "
                    + delay.toMillis() + " ms");
            if (bootFailures.gaveUp()) {
                beginStop("boot failures", now, ExitCode.BOOT_FAILURE);
            }
            return false;
        }
        HandlerHandle handle = new HandlerHandle(slot, generation, process, now);
        handlers.add(handle);
        usedSlots.set(slot);
        process.onExit().thenAccept(p -> events.add(new SpawnerEvent.HandlerExited(handle, p.exitValue())));
        log.add(Level.INFO, "spawn", "spawned " + handle);
        return true;
    }

    private void waitForEvent(long now) {
        try {
            woken = events.poll(TICK.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            beginStop("interrupted", now, ExitCode.FAILURE);
        }
    }

    private void publish() {
        List<PoolView.Entry> entries = handlers.stream()
                .map(h -> new PoolView.Entry(h.slot(), h.pid(), h.generation(),
                        h.phase().name().toLowerCase(java.util.Locale.ROOT), h.spawnedAtNanos()))
                .toList();
        view = new PoolView(ProcessHandle.current().pid(), startedAtNanos, stopping, target, entries);
    }
}
