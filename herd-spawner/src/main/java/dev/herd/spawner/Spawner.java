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
import dev.herd.spawner.admin.StatusDocument;
import dev.herd.spawner.scaling.Decision;
import dev.herd.spawner.scaling.PoolSnapshot;
import dev.herd.spawner.scaling.ScalingPolicy;
import dev.herd.time.MonotonicClock;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The supervising process: owns the listening socket and the scoreboard, keeps as many handlers
 * accepting as the scaling policy (or the operator) asks for, replaces those that die or hang,
 * retires handlers without losing a request, and stops them gracefully.
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
    private final Pool pool = new Pool();
    private final BitSet usedSlots = new BitSet();
    private final BootFailures bootFailures;
    private final ScalingPolicy policy;
    private final Duration timeout;
    private final Duration bootTimeout;
    private final Duration gracefulTimeout;
    private final Duration scaleInterval;
    private final int standbyWanted;
    private final int maxTarget;
    private final long maxRequests;
    private final int maxRequestsJitter;
    private final long maxRss;
    private final long startedAtNanos;
    private volatile PoolView view;
    private int target;
    private OptionalInt manualTarget = OptionalInt.empty();
    private long nextScaleNanos;
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
        this.scaleInterval = config.get(Settings.SCALE_INTERVAL);
        this.standbyWanted = config.get(Settings.STANDBY);
        this.maxRequests = config.get(Settings.MAX_REQUESTS);
        this.maxRequestsJitter = config.get(Settings.MAX_REQUESTS_JITTER);
        this.maxRss = config.get(Settings.MAX_RSS);
        this.policy = Policies.of(config);
        this.maxTarget = maxTargetFor(config);
        this.target = Policies.initialTarget(config);
        this.bootFailures = new BootFailures(config.get(Settings.MAX_BOOT_FAILURES),
                Duration.ofMillis(100), Duration.ofSeconds(10));
        this.command = HandlerCommand.of(config, scoreboard.path(), heartbeatFor(timeout));
        this.startedAtNanos = clock.nanoTime();
        this.nextScaleNanos = startedAtNanos + scaleInterval.toNanos();
        publish();
    }

    /** Each loop stamps a few times per timeout, so one late stamp is never mistaken for a hang. */
    static Duration heartbeatFor(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        Duration min = Duration.ofMillis(50);
        Duration max = Duration.ofSeconds(1);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }

    /** The most handlers the pool may be asked to run, by a policy or by hand. */
    static int maxTargetFor(Config config) {
        return Math.max(config.get(Settings.HANDLERS), config.get(Settings.MAX_HANDLERS));
    }

    public static int slotsFor(Config config) {
        // Room for replacements and standbys to start while the handlers they replace still drain.
        return 2 * (maxTargetFor(config) + config.get(Settings.STANDBY));
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

    /**
     * From any thread: fixes the target at {@code handlers}, or (empty) gives it back to the policy.
     *
     * @throws IllegalArgumentException if {@code handlers} is outside 1 and the larger of --handlers and --max-handlers
     */
    public void requestScale(OptionalInt handlers, String source) {
        if (handlers.isPresent() && (handlers.getAsInt() < 1 || handlers.getAsInt() > maxTarget)) {
            throw new IllegalArgumentException("handlers must be from 1 to " + maxTarget
                    + " (the larger of --handlers and --max-handlers)");
        }
        events.add(new SpawnerEvent.ScaleRequested(handlers, source));
    }

    public void installSignalHandlers() {
        for (Signal s : List.of(Signal.TERM, Signal.INT, Signal.HUP, Signal.TTIN, Signal.TTOU)) {
            Signals.handle(s, signal -> events.add(new SpawnerEvent.SignalReceived(signal)));
        }
    }

    /** Runs until every handler has exited after a stop; returns the process's exit code. */
    public ExitCode run() {
        log.add(Level.INFO, "start", "starting " + target + " handlers of " + config.get(Settings.THREADS)
                + " threads on " + socket.address() + " (scaling " + policy.name()
                + (standbyWanted > 0 ? ", " + standbyWanted + " on standby" : "") + ")");
        lastPassNanos = clock.nanoTime();
        while (true) {
            long now = clock.nanoTime();
            boolean overslept = now - lastPassNanos > TICK.toNanos() + OVERSLEPT.toNanos();
            lastPassNanos = now;
            handleEvents(now);
            // Readers see an operator's command take effect before the spawns it causes.
            publish();
            noticeReadiness(now);
            if (stopping) {
                if (pool.isEmpty()) {
                    break;
                }
                killStragglers(now);
            } else {
                killHung(now, overslept);
                boolean tick = now - nextScaleNanos >= 0;
                if (tick) {
                    nextScaleNanos = now + scaleInterval.toNanos();
                    scale(now);
                }
                markRetirements(now, tick);
                fill(now);
                trim(now);
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
                case SpawnerEvent.ScaleRequested(OptionalInt handlers, String source) -> setManual(handlers, source);
            }
        }
    }

    private void onSignal(Signal signal, long now) {
        switch (signal) {
            case INT -> {
                if (stopping) {
                    log.add(Level.WARNING, "kill", "second SIGINT: killing " + pool.size() + " handlers now");
                    pool.all().forEach(HandlerHandle::kill);
                } else {
                    beginStop("SIGINT", now, ExitCode.OK);
                }
            }
            case TERM -> beginStop("SIGTERM", now, ExitCode.OK);
            case TTIN -> setManual(OptionalInt.of(Math.min(maxTarget, target + 1)), "SIGTTIN");
            case TTOU -> setManual(OptionalInt.of(Math.max(1, target - 1)), "SIGTTOU");
            case HUP -> log.add(Level.WARNING, "signal", "SIGHUP received: reloading is not available in this version; ignored");
            default -> log.add(Level.WARNING, "signal", signal.fullName() + " ignored");
        }
    }

    private void setManual(OptionalInt handlers, String source) {
        if (stopping) {
            return;
        }
        manualTarget = handlers;
        if (handlers.isPresent()) {
            int next = handlers.getAsInt();
            log.add(Level.INFO, "scale", target + " → " + next + ": set by " + source + " (fixed until 'herd scale auto')");
            target = next;
        } else {
            log.add(Level.INFO, "scale", "target back to the " + policy.name() + " policy, by " + source);
            nextScaleNanos = clock.nanoTime();
        }
    }

    private void beginStop(String why, long now, ExitCode code) {
        if (stopping) {
            return;
        }
        stopping = true;
        exitCode = code;
        stopDeadlineNanos = now + gracefulTimeout.toNanos();
        log.add(Level.INFO, "stop", why + ": graceful stop of " + pool.size() + " handlers (up to "
                + gracefulTimeout.toMillis() + " ms)");
        pool.all().forEach(h -> h.terminate(now));
    }

    private void reap(HandlerHandle handle, int status, long now) {
        if (!pool.remove(handle)) {
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
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.STARTING)) {
            SlotSnapshot slot = scoreboard.read(h.slot());
            if (slot.pid() != h.pid()) {
                continue;
            }
            long ms = (now - h.spawnedAtNanos()) / 1_000_000;
            if (slot.state() == SlotState.READY) {
                h.ready();
                bootFailures.succeeded();
                log.add(Level.INFO, "ready", h + " ready " + ms + " ms after spawn");
            } else if (slot.state() == SlotState.STANDBY) {
                h.standby();
                bootFailures.succeeded();
                log.add(Level.INFO, "standby", h + " on standby " + ms + " ms after spawn");
            }
        }
    }

    /**
     * Two deadlines: a handler not ready within the boot timeout, and a booted handler whose
     * oldest loop heartbeat is older than the timeout. Both get a thread dump, then SIGKILL.
     * Skipped when this pass itself comes late: then the spawner, not the handlers, was stalled.
     */
    private void killHung(long now, boolean overslept) {
        if (overslept) {
            log.add(Level.WARNING, "overslept", "spawner loop stalled; not judging heartbeats this pass");
            return;
        }
        for (HandlerHandle h : pool.all()) {
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
        for (HandlerHandle h : pool.all()) {
            if (!h.killed()) {
                log.add(Level.WARNING, "kill", h + " did not stop within the graceful timeout: SIGKILL");
                h.kill();
            }
        }
    }

    /** Every scale interval: the policy's target, unless an operator fixed one. */
    private void scale(long now) {
        PoolSnapshot snapshot = snapshot(now);
        if (manualTarget.isPresent()) {
            return;
        }
        Decision decision = policy.decide(snapshot);
        if (decision.target() != target) {
            log.add(Level.INFO, "scale", decision.reason());
            target = decision.target();
        }
    }

    private PoolSnapshot snapshot(long now) {
        int ready = 0;
        int idle = 0;
        int busyLoops = 0;
        long won = 0;
        long lost = 0;
        for (HandlerHandle h : pool.all()) {
            if (!h.accepting()) {
                continue;
            }
            SlotSnapshot slot = scoreboard.read(h.slot());
            if (slot.pid() != h.pid()) {
                continue;
            }
            ready++;
            if (slot.inFlight() == 0) {
                idle++;
            }
            for (SlotSnapshot.LoopSnapshot loop : slot.loops()) {
                if (loop.inFlight() > 0) {
                    busyLoops++;
                }
            }
            long[] deltas = h.acceptDeltas(slot.acceptsWon(), slot.acceptsLost());
            won += deltas[0];
            lost += deltas[1];
        }
        ListeningSocket.QueueDepth queue = socket.queueDepth();
        return new PoolSnapshot(now, target, ready, idle, config.get(Settings.THREADS), busyLoops,
                queue.queued(), queue.backlog(), won, lost);
    }

    /**
     * Marks handlers past {@code --max-requests} or {@code --max-rss} for retirement. A retiring
     * handler keeps accepting; {@link #fill} starts its replacement, and {@link #trim} stops it
     * once the replacement accepts.
     */
    private void markRetirements(long now, boolean tick) {
        boolean checkRss = maxRss > 0 && tick;
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.READY)) {
            if (h.requestLimit() > 0) {
                SlotSnapshot slot = scoreboard.read(h.slot());
                if (slot.pid() == h.pid() && slot.requests() >= h.requestLimit()) {
                    retire(h, "served " + slot.requests() + " requests (limit " + h.requestLimit() + ")");
                    continue;
                }
            }
            if (checkRss) {
                long rss = StatusDocument.rssBytes(h.pid());
                if (rss > maxRss) {
                    retire(h, "resident memory " + rss / (1024 * 1024) + " MiB over --max-rss "
                            + maxRss / (1024 * 1024) + " MiB");
                }
            }
        }
    }

    private void retire(HandlerHandle h, String reason) {
        h.retire(reason);
        log.add(Level.INFO, "retire", "retiring " + h + ": " + reason + "; its replacement starts first");
    }

    /**
     * Brings the handlers that accept (or will, once booted) up to the target: standby handlers
     * are activated first, in milliseconds; then new ones are spawned. Then refills the standby.
     */
    private void fill(long now) {
        int missing = target - pool.count(h -> h.phase() == HandlerHandle.Phase.READY
                || (h.phase() == HandlerHandle.Phase.STARTING && !h.bootsToStandby()));
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.STANDBY)) {
            if (missing <= 0) {
                break;
            }
            h.activate();
            log.add(Level.INFO, "activate", "activated standby " + h);
            missing--;
        }
        while (missing > 0 && bootFailures.maySpawn(now) && spawn(now, false)) {
            missing--;
        }
        int standby = pool.count(h -> h.phase() == HandlerHandle.Phase.STANDBY
                || (h.phase() == HandlerHandle.Phase.STARTING && h.bootsToStandby()));
        while (standby < standbyWanted && bootFailures.maySpawn(now) && spawn(now, true)) {
            standby++;
        }
    }

    /**
     * Stops what is beyond the target: retiring handlers once enough others accept; then, when
     * the target shrank, handlers still booting, then ready ones with the fewest connections.
     * Each drains gracefully: it stops accepting, and the kernel's queue, shared by all, keeps
     * whatever arrives meanwhile for the others.
     */
    private void trim(long now) {
        // A retiring handler still accepts, so it counts until it stops. Counting only the others
        // would let a pool whose replacements reach --max-requests before their predecessors stop
        // grow without end: each new handler would be retiring by the time it could take over.
        int accepting = pool.count(h -> h.phase() == HandlerHandle.Phase.READY
                || h.phase() == HandlerHandle.Phase.RETIRING);
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.RETIRING)) {
            if (accepting > target) {
                accepting--;
                log.add(Level.INFO, "retire", h + " stops: " + h.retireReason() + "; " + accepting + " others accept");
                h.terminate(now);
            }
        }
        int excess = pool.count(h -> h.phase() == HandlerHandle.Phase.READY
                || (h.phase() == HandlerHandle.Phase.STARTING && !h.bootsToStandby())) - target;
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.STARTING)) {
            if (excess > 0 && !h.bootsToStandby()) {
                log.add(Level.INFO, "shrink", h + " stops while booting: target is " + target);
                h.terminate(now);
                excess--;
            }
        }
        if (excess <= 0) {
            return;
        }
        List<HandlerHandle> byLoad = pool.inPhase(HandlerHandle.Phase.READY).stream()
                .sorted(Comparator.comparingLong(h -> scoreboard.read(h.slot()).connections()))
                .toList();
        for (HandlerHandle h : byLoad) {
            if (excess-- <= 0) {
                break;
            }
            log.add(Level.INFO, "shrink", h + " drains and exits: target is " + target);
            h.terminate(now);
        }
    }

    private boolean spawn(long now, boolean standby) {
        int slot = usedSlots.nextClearBit(0);
        if (slot >= scoreboard.slots()) {
            return false;
        }
        scoreboard.clear(slot);
        ProcessBuilder builder = new ProcessBuilder(command.forHandler(slot, generation, standby))
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // Socket activation was meant for the spawner; the handler gets the socket as fd 0.
        builder.environment().keySet().removeAll(List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"));
        // Under the C locale a JVM cannot name files outside ASCII (sun.jnu.encoding follows the
        // locale, and no flag changes it): static files with such names would be unreachable.
        if (!"UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
            builder.environment().put("LC_ALL", "C.UTF-8");
        }
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
        long limit = maxRequests == 0 ? 0
                : maxRequests + (maxRequestsJitter == 0 ? 0 : ThreadLocalRandom.current().nextInt(maxRequestsJitter + 1));
        HandlerHandle handle = new HandlerHandle(slot, generation, process, now, standby, limit);
        pool.add(handle);
        usedSlots.set(slot);
        process.onExit().thenAccept(p -> events.add(new SpawnerEvent.HandlerExited(handle, p.exitValue())));
        log.add(Level.INFO, "spawn", "spawned " + handle + (standby ? " for standby" : ""));
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
        List<PoolView.Entry> entries = pool.all().stream()
                .map(h -> new PoolView.Entry(h.slot(), h.pid(), h.generation(),
                        h.phase().name().toLowerCase(java.util.Locale.ROOT), h.spawnedAtNanos()))
                .toList();
        view = new PoolView(ProcessHandle.current().pid(), startedAtNanos, stopping, target,
                manualTarget.isPresent() ? "manual" : policy.name(), entries);
    }
}
