package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.ConfigSource;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;
import dev.herd.os.ListeningSocket;
import dev.herd.os.OsException;
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
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The supervising process: owns the listening socket and the scoreboard, keeps as many handlers
 * accepting as the scaling policy (or the operator) asks for, replaces those that die or hang,
 * retires handlers without losing a request, reloads by generations, and stops them gracefully.
 *
 * <p>Everything happens on the thread that calls {@link #run()} — including every spawn, since
 * a handler's parent-death signal follows the thread that started it. Other threads only put
 * {@link SpawnerEvent}s on the queue. The loop sleeps until the nearest deadline or event.
 */
public final class Spawner {
    /** While a handler boots, how often its slot is looked at for readiness. */
    static final Duration READINESS_POLL = Duration.ofMillis(50);
    /** The longest the loop sleeps with nothing due. */
    static final Duration MAX_SLEEP = Duration.ofSeconds(1);
    /** A pass that starts this late after it was due means the spawner itself was stalled. */
    static final Duration OVERSLEPT = Duration.ofSeconds(1);

    private final ConfigSource source;
    private final Sockets sockets;
    private final Scoreboard scoreboard;
    private final MonotonicClock clock;
    private final Launcher launcher;
    private final BlockingQueue<SpawnerEvent> events = new LinkedBlockingQueue<>();
    private final EventLog log = new EventLog(200);
    private final Counts counts = new Counts();
    private final Pool pool = new Pool();
    private final BitSet usedSlots = new BitSet();
    private final long startedAtNanos;
    private volatile PoolView view;
    /** The generation serving; new handlers are of this one unless a reload is under way. */
    private Generation serving;
    private Reload reload;
    private int lastGeneration;
    /** The sockets of --bind's other addresses: every handler gets them beside the first. */
    private final List<ListeningSocket> more;
    /** The generations' certificates in shared memory, and the pool's session-ticket keys. */
    private final TlsShares tls = new TlsShares();
    private ScalingPolicy policy;
    private BootFailures bootFailures;
    private int target;
    private OptionalInt manualTarget = OptionalInt.empty();
    private long nextScaleNanos;
    private boolean stopping;
    private ExitCode exitCode = ExitCode.OK;
    private long plannedWakeNanos;
    /** When the last pass began, for the liveness probe: read from other threads. */
    private volatile long lastPassNanos;
    /** Whether a handler has accepted since the spawner started: before that, no one is hurried. */
    private boolean hasServed;
    /**
     * Handlers the pool needs at once and has not spawned yet: replacements of handlers that died
     * unexpectedly, and those the scaling policy added under load. They warm up briefly
     * ({@link HandlerCommand.Role#URGENT}).
     */
    private int urgentSpawns;
    /** The kernel's OOM kills as of the last handler exit ({@link Launcher#oomKills}). */
    private long oomKills;
    private final ServiceManager manager;
    /** Whether the service manager has been told READY=1 since the start or the last reload. */
    private boolean toldReady;
    private long nextWatchdogNanos;
    /** The event that ended the last wait; handled first in the next pass. */
    private SpawnerEvent woken;

    /**
     * @param socket the address's listening socket; with {@code --accept reuseport}, bound with
     *               SO_REUSEPORT, the first of the group
     */
    public Spawner(Config config, ConfigSource source, ListeningSocket socket, Scoreboard scoreboard,
                   MonotonicClock clock) {
        this(config, source, socket, List.of(), scoreboard, clock);
    }

    /** @param more the sockets of the other addresses of {@code --bind}, which handlers get as descriptors 3, 4, ... */
    public Spawner(Config config, ConfigSource source, ListeningSocket socket, List<ListeningSocket> more,
                   Scoreboard scoreboard, MonotonicClock clock) {
        this(config, source, socket, more, scoreboard, clock, new ProcessLauncher(config.get(Settings.ADMIN_TOKEN)
                .filter(t -> t.source().startsWith("env:")).map(t -> java.util.Set.of(t.source().substring(4)))
                .orElse(java.util.Set.of())), ServiceManager.fromEnvironment());
    }

    Spawner(Config config, ConfigSource source, ListeningSocket socket, Scoreboard scoreboard, MonotonicClock clock,
            Launcher launcher, ServiceManager manager) {
        this(config, source, socket, List.of(), scoreboard, clock, launcher, manager);
    }

    Spawner(Config config, ConfigSource source, ListeningSocket socket, List<ListeningSocket> more,
            Scoreboard scoreboard, MonotonicClock clock, Launcher launcher, ServiceManager manager) {
        this.more = List.copyOf(more);
        this.manager = manager;
        this.source = source;
        this.sockets = config.get(Settings.ACCEPT) == Settings.Accept.REUSEPORT
                ? Sockets.reusePort(socket, config.get(Settings.BACKLOG)) : Sockets.shared(socket);
        this.scoreboard = scoreboard;
        this.clock = clock;
        this.launcher = launcher;
        this.oomKills = launcher.oomKills();
        this.serving = Generation.of(++lastGeneration, config, scoreboard.path(), tls, clock.nanoTime(),
                listening(socket));
        this.policy = Policies.of(config);
        this.bootFailures = bootFailuresFor(config);
        this.target = Policies.initialTarget(config);
        this.startedAtNanos = clock.nanoTime();
        this.nextScaleNanos = startedAtNanos + config.get(Settings.SCALE_INTERVAL).toNanos();
        this.plannedWakeNanos = startedAtNanos;
        this.nextWatchdogNanos = startedAtNanos;
        publish();
    }

    /** The sockets every handler gets: {@code first}, then those of --bind's other addresses. */
    private List<ListeningSocket> listening(ListeningSocket first) {
        List<ListeningSocket> all = new ArrayList<>(List.of(first));
        all.addAll(more);
        return all;
    }

    private static BootFailures bootFailuresFor(Config config) {
        return new BootFailures(config.get(Settings.MAX_BOOT_FAILURES), Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    public static int slotsFor(Config config) {
        // Room for replacements and standbys to start while the handlers they replace still drain,
        // and for a reload's new generation to boot beside the one serving.
        return 2 * (Generation.maxTargetFor(config) + config.get(Settings.STANDBY));
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

    /** The address's socket (the first of the group with {@code --accept reuseport}, maybe closed since). */
    public ListeningSocket socket() {
        return sockets.first();
    }

    /** From any thread: the connections waiting in the kernel's accept queues, and their sizes. */
    public ListeningSocket.QueueDepth queueDepth() {
        return sockets.queueDepth();
    }

    /**
     * From any thread: whether the spawner loop has made a pass within {@code within} (it makes
     * one at least every second): what a liveness probe asks.
     */
    public boolean loopAlive(java.time.Duration within) {
        return clock.nanoTime() - lastPassNanos < within.toNanos();
    }

    /** From any thread: asks for a graceful stop. */
    public void requestStop(String source) {
        events.add(new SpawnerEvent.StopRequested(source));
    }

    /** From any thread: asks every handler to open its log files again (after a rotation). */
    public void requestReopenLogs(String source) {
        events.add(new SpawnerEvent.ReopenLogsRequested(source));
    }

    /** From any thread: asks for a reload; the future completes when the new generation serves, or it failed. */
    public CompletableFuture<ReloadOutcome> requestReload(String source) {
        CompletableFuture<ReloadOutcome> outcome = new CompletableFuture<>();
        events.add(new SpawnerEvent.ReloadRequested(source, outcome));
        return outcome;
    }

    /**
     * From any thread: fixes the target at {@code handlers}, or (empty) gives it back to the policy.
     *
     * @throws IllegalArgumentException if {@code handlers} is outside 1 and the larger of --handlers and --max-handlers
     */
    public void requestScale(OptionalInt handlers, String source) {
        int max = view.maxTarget();
        if (handlers.isPresent() && (handlers.getAsInt() < 1 || handlers.getAsInt() > max)) {
            throw new IllegalArgumentException("handlers must be from 1 to " + max
                    + " (the larger of --handlers and --max-handlers)");
        }
        events.add(new SpawnerEvent.ScaleRequested(handlers, source));
    }

    public void installSignalHandlers() {
        for (Signal s : List.of(Signal.TERM, Signal.INT, Signal.HUP, Signal.TTIN, Signal.TTOU, Signal.USR1)) {
            Signals.handle(s, signal -> events.add(new SpawnerEvent.SignalReceived(signal)));
        }
    }

    /** Runs until every handler has exited after a stop; returns the process's exit code. */
    public ExitCode run() {
        Config config = serving.config();
        log.add(Level.INFO, "start", "starting " + target + " handlers of " + scoreboard.loopsPerSlot()
                + " threads on " + sockets.first().address()
                + (sockets.reusesPort() ? ", each with a socket of its own (SO_REUSEPORT)" : "")
                + " (scaling " + policy.name()
                + (config.get(Settings.STANDBY) > 0 ? ", " + config.get(Settings.STANDBY) + " on standby" : "")
                + (serving.command().usesAotCache() ? ", handlers start from the AOT cache" : "") + ")");
        plannedWakeNanos = clock.nanoTime();
        while (true) {
            long wake = pass();
            if (finished()) {
                break;
            }
            waitUntil(wake);
        }
        log.add(Level.INFO, "stopped", "all handlers have exited; spawner exits with " + exitCode);
        sockets.close();
        tls.close();
        publish();
        return exitCode;
    }

    boolean finished() {
        return stopping && pool.isEmpty();
    }

    ExitCode exitCode() {
        return exitCode;
    }

    /** One pass of the loop; returns when the next is due unless an event comes first. */
    long pass() {
        long now = clock.nanoTime();
        lastPassNanos = now;
        boolean onTime = now - plannedWakeNanos <= OVERSLEPT.toNanos();
        if (!onTime) {
            log.add(Level.WARNING, "overslept", "spawner loop stalled for " + (now - plannedWakeNanos) / 1_000_000
                    + " ms; not judging heartbeats this pass");
        }
        handleEvents(now);
        // Readers see an operator's command take effect before the spawns it causes.
        publish();
        Reading reading = read();
        noticeReadiness(now, reading);
        enforceDeadlines(now, reading, onTime);
        if (!stopping) {
            if (now - nextScaleNanos >= 0) {
                nextScaleNanos = now + serving.config().get(Settings.SCALE_INTERVAL).toNanos();
                scale(now, reading);
                reportRebalancing(reading);
                markRetirements(reading);
            }
            advanceReload(now);
            fill(now);
            hurry(reading);
            trim(now, reading);
            sockets.closeSurplus(pool.all(), target).forEach(line -> log.add(Level.WARNING, "socket", line));
            tellReadiness();
        }
        keepWatchdog(now);
        tls.rotateIfDue(now, serving.config().get(Settings.TLS_TICKET_ROTATION));
        publish();
        plannedWakeNanos = nextWake(now, reading);
        return plannedWakeNanos;
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
                case SpawnerEvent.HandlerExited(long pid, int status) -> pool.byPid(pid).ifPresent(h -> reap(h, status, now));
                case SpawnerEvent.StopRequested(String source) -> beginStop(source, now, ExitCode.OK);
                case SpawnerEvent.ReopenLogsRequested(String source) -> reopenLogs(source);
                case SpawnerEvent.ScaleRequested(OptionalInt handlers, String source) -> setManual(handlers, source);
                case SpawnerEvent.ReloadRequested(String source, CompletableFuture<ReloadOutcome> outcome) ->
                        beginReload(source, outcome, now);
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
            case TTIN -> setManual(OptionalInt.of(Math.min(serving.maxTarget(), target + 1)), "SIGTTIN");
            case TTOU -> setManual(OptionalInt.of(Math.max(1, target - 1)), "SIGTTOU");
            case HUP -> beginReload("SIGHUP", new CompletableFuture<>(), now);
            case USR1 -> reopenLogs("SIGUSR1");
            default -> log.add(Level.WARNING, "signal", signal.fullName() + " ignored");
        }
    }

    /** Raises the scoreboard's log epoch: each handler's loops open the access log again within a second. */
    private void reopenLogs(String source) {
        scoreboard.reopenLogs();
        log.add(Level.INFO, "reopen-logs", source + ": handlers open their log files again");
    }

    private void setManual(OptionalInt handlers, String source) {
        if (stopping) {
            return;
        }
        manualTarget = handlers;
        if (handlers.isPresent()) {
            int next = handlers.getAsInt();
            log.add(Level.INFO, "scale", target + " → " + next + ": set by " + source + " (fixed until 'herd scale auto')");
            counts.scaled(target, next);
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
        manager.notify("STOPPING=1\nSTATUS=stopping: " + why);
        if (reload != null) {
            endReload(new ReloadOutcome.Failed(serving.number(), "the server is stopping (" + why + ")"), now);
        }
        log.add(Level.INFO, "stop", why + ": graceful stop of " + pool.size() + " handlers (up to "
                + serving.config().get(Settings.GRACEFUL_TIMEOUT).toMillis() + " ms)");
        pool.all().forEach(h -> h.terminate(now));
    }

    // ---- reload ----

    /**
     * Reads the configuration again and starts a new generation beside the serving one. Nothing
     * changes if the configuration is bad, the server is stopping, or a reload is under way.
     */
    private void beginReload(String why, CompletableFuture<ReloadOutcome> outcome, long now) {
        String refused = stopping ? "the server is stopping"
                : reload != null ? "a reload to generation " + reload.next().number() + " is under way (asked by "
                + reload.source() + " " + (now - reload.requestedAtNanos()) / 1_000_000 + " ms ago)"
                : null;
        Config read = null;
        if (refused == null) {
            try {
                read = source.load();
            } catch (IllegalArgumentException e) {
                refused = "invalid configuration: " + e.getMessage();
            }
        }
        if (refused == null && slotsFor(read) > scoreboard.slots()) {
            refused = "the new --max-handlers and --standby need " + slotsFor(read) + " scoreboard slots and this "
                    + "server has " + scoreboard.slots() + ": restart to apply them";
        }
        if (refused != null) {
            log.add(Level.ERROR, "reload-failed", why + ": reload refused: " + refused + "; generation "
                    + serving.number() + " keeps serving");
            outcome.complete(new ReloadOutcome.Failed(serving.number(), refused));
            return;
        }
        List<String> ignored = new ArrayList<>();
        Config effective = Reload.effective(serving.config(), read, ignored);
        Generation next;
        try {
            next = Generation.of(lastGeneration + 1, effective, scoreboard.path(), tls, now,
                    listening(sockets.first()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            String reason = "invalid TLS certificate or key: " + e.getMessage();
            log.add(Level.ERROR, "reload-failed", why + ": reload refused: " + reason + "; generation "
                    + serving.number() + " keeps serving");
            outcome.complete(new ReloadOutcome.Failed(serving.number(), reason));
            return;
        }
        lastGeneration++;
        reload = new Reload(next, now, why, outcome, List.copyOf(ignored));
        ignored.forEach(line -> log.add(Level.WARNING, "reload", "reload: " + line));
        log.add(Level.INFO, "reload", why + ": starting generation " + reload.next().number() + " (" + target
                + " handlers); generation " + serving.number() + " serves until it is ready");
        // systemd's Type=notify-reload wants the monotonic clock (CLOCK_MONOTONIC, as nanoTime) with it.
        toldReady = false;
        manager.notify("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading to generation "
                + reload.next().number());
    }

    /** Once enough of the new generation accepts to carry the pool, it serves and the old one drains. */
    private void advanceReload(long now) {
        if (reload == null) {
            return;
        }
        Generation next = reload.next();
        int number = next.number();
        int ready = pool.count(h -> h.generation() == next && h.phase() == HandlerHandle.Phase.READY);
        if (ready < target) {
            return;
        }
        Generation old = serving;
        serving = reload.next();
        Config config = serving.config();
        policy = Policies.of(config);
        bootFailures = bootFailuresFor(config);
        int max = serving.maxTarget();
        manualTarget = manualTarget.isPresent() ? OptionalInt.of(Math.min(max, manualTarget.getAsInt())) : manualTarget;
        target = manualTarget.isPresent() ? manualTarget.getAsInt() : Policies.targetAfterReload(config, target);
        List<HandlerHandle> previous = pool.all().stream().filter(h -> h.generation() != next).toList();
        Duration took = Duration.ofNanos(now - reload.requestedAtNanos());
        log.add(Level.INFO, "reload", "generation " + number + " serves (" + ready + " handlers ready "
                + took.toMillis() + " ms after " + reload.source() + "); generation " + old.number()
                + " drains: " + previous.size() + " handlers");
        previous.forEach(h -> h.terminate(now));
        endReload(new ReloadOutcome.Reloaded(number, took, reload.ignored()), now);
    }

    /** A reload's new generation could not boot: it is stopped, and the serving one goes on. */
    private void failReload(String reason, long now) {
        int number = reload.next().number();
        log.add(Level.ERROR, "reload-failed", "reload to generation " + number + " failed: " + reason
                + "; generation " + serving.number() + " keeps serving. Check the handler output above.");
        endReload(new ReloadOutcome.Failed(serving.number(), reason), now);
    }

    private void endReload(ReloadOutcome outcome, long now) {
        Reload ended = reload;
        reload = null;
        counts.reloaded(outcome instanceof ReloadOutcome.Reloaded);
        if (outcome instanceof ReloadOutcome.Failed) {
            List<HandlerHandle> started = pool.all().stream().filter(h -> h.generation() == ended.next()).toList();
            started.forEach(h -> h.terminate(now));
            if (started.isEmpty()) {
                ended.next().retire();
            }
        }
        ended.outcome().complete(outcome);
    }

    /** The generation new handlers are started from. */
    private Generation spawning() {
        return reload != null ? reload.next() : serving;
    }

    // ---- supervision ----

    private void reap(HandlerHandle handle, int status, long now) {
        SlotSnapshot last = scoreboard.read(handle.slot());
        if (last.pid() == handle.pid()) {
            counts.exited(handle.slot(), handle.generation().number(), last);
        }
        pool.remove(handle);
        usedSlots.clear(handle.slot());
        // A generation's exited counters are kept while it runs: until its last handler is reaped.
        java.util.Set<Integer> running = new java.util.HashSet<>();
        pool.all().forEach(h -> running.add(h.generation().number()));
        running.add(serving.number());
        if (reload != null) {
            running.add(reload.next().number());
        }
        counts.keepGenerations(running);
        if (!running.contains(handle.generation().number())) {
            handle.generation().retire();
        }
        String how = HandlerHandle.describeExit(status);
        long oomKillsNow = launcher.oomKills();
        String oom = status == 128 + Signal.KILL.number() && !handle.killed() && oomKills >= 0 && oomKillsNow > oomKills
                ? ", most likely by the kernel's OOM killer (its kill count rose by " + (oomKillsNow - oomKills)
                        + "; the kernel log names its victims)"
                : "";
        oomKills = oomKillsNow;
        boolean ofReload = reload != null && handle.generation() == reload.next();
        if (handle.bootFailed() && !stopping) {
            String what = handle + " " + how + (handle.dumped()
                    ? " after it was not ready within " + handle.generation().deadlines().boot().toMillis() + " ms"
                    : " before it was ready") + oom;
            if (ofReload) {
                failReload(what, now);
                return;
            }
            counts.restart(Counts.Restart.BOOT_FAILURE);
            Duration delay = bootFailures.failed(now);
            log.add(Level.ERROR, "boot-failure", what + " (" + bootFailures.inRow()
                    + " boot failures in a row); next spawn in " + delay.toMillis() + " ms");
            if (bootFailures.gaveUp()) {
                log.add(Level.ERROR, "give-up", "handlers failed to boot " + bootFailures.inRow()
                        + " times in a row; stopping. Check --handler-jvm-opts and the handler output above.");
                beginStop("boot failures", now, ExitCode.BOOT_FAILURE);
            }
        } else if (stopping || handle.terminating()) {
            if (!stopping && handle.retireReason() != null) {
                counts.restart(Counts.Restart.RECYCLED);
            }
            log.add(Level.INFO, "exit", handle + " " + how);
        } else if (handle.killed()) {
            counts.restart(Counts.Restart.HUNG);
            urgentSpawns++;
            log.add(Level.INFO, "exit", handle + " " + how + " after it hung; replacing it");
        } else {
            counts.restart(oom.isEmpty() ? Counts.Restart.CRASH : Counts.Restart.OOM);
            urgentSpawns++;
            log.add(Level.WARNING, "exit", handle + " " + how + " unexpectedly" + oom + "; replacing it");
        }
    }

    private void noticeReadiness(long now, Reading reading) {
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.STARTING)) {
            SlotSnapshot slot = reading.slot(h);
            if (slot == null || h.dumped() || h.terminating()) {
                continue;
            }
            long ms = (now - h.spawnedAtNanos()) / 1_000_000;
            if (slot.state() == SlotState.READY) {
                h.ready();
                hasServed = true;
                bootFailures.succeeded();
                log.add(Level.INFO, "ready", h + " ready " + ms + " ms after spawn");
            } else if (slot.state() == SlotState.STANDBY) {
                h.standby();
                bootFailures.succeeded();
                log.add(Level.INFO, "standby", h + " on standby " + ms + " ms after spawn");
            }
        }
    }

    /** Every handle's phase deadline, in one step: boot, heartbeat, thread-dump grace, drain. */
    private void enforceDeadlines(long now, Reading reading, boolean onTime) {
        for (HandlerHandle h : pool.all()) {
            HandlerHandle.Escalation due = h.due(now, reading.slot(h), onTime);
            if (due == null) {
                continue;
            }
            Generation.Deadlines limits = h.generation().deadlines();
            switch (due) {
                case BOOT_HUNG -> {
                    log.add(Level.ERROR, "hung", h + " not ready after " + limits.boot().toMillis()
                            + " ms: thread dump (SIGQUIT), then SIGKILL; counts as a failed boot");
                    h.dumpThreads(now);
                }
                case HEARTBEAT_MISSED -> {
                    long age = now - reading.slot(h).oldestHeartbeatNanos();
                    log.add(Level.ERROR, "hung", h + " missed heartbeats for " + age / 1_000_000 + " ms (timeout "
                            + limits.heartbeat().toMillis() + " ms): thread dump (SIGQUIT), then SIGKILL");
                    h.dumpThreads(now);
                }
                case STILL_HUNG -> {
                    log.add(Level.ERROR, "kill", h + " still hung " + Generation.Deadlines.DUMP_GRACE.toMillis()
                            + " ms after its thread dump: SIGKILL");
                    h.kill();
                }
                case DRAIN_OVERDUE -> {
                    log.add(Level.WARNING, "kill", h + " did not exit within " + limits.termToKill().toMillis()
                            + " ms of SIGTERM (--graceful-timeout " + limits.drain().toMillis() + " ms): SIGKILL");
                    h.kill();
                }
            }
        }
    }

    // ---- the pool's size ----

    /** Every scale interval: the policy's target, unless an operator fixed one. */
    private void scale(long now, Reading reading) {
        PoolSnapshot snapshot = snapshot(now, reading);
        if (manualTarget.isPresent()) {
            return;
        }
        Decision decision = policy.decide(snapshot);
        if (decision.target() != target) {
            log.add(Level.INFO, "scale", decision.reason());
            counts.scaled(target, decision.target());
            urgentSpawns += Math.max(0, decision.target() - target);
            target = decision.target();
        }
    }

    private PoolSnapshot snapshot(long now, Reading reading) {
        int ready = 0;
        int idle = 0;
        double busyLoops = 0;
        long won = 0;
        long lost = 0;
        for (HandlerHandle h : pool.all()) {
            SlotSnapshot slot = reading.slot(h);
            if (!h.accepting() || slot == null) {
                continue;
            }
            ready++;
            if (slot.inFlight() == 0) {
                idle++;
            }
            busyLoops += h.busyness().sum();
            long[] deltas = h.acceptDeltas(slot.acceptsWon(), slot.acceptsLost());
            won += deltas[0];
            lost += deltas[1];
        }
        ListeningSocket.QueueDepth queue = sockets.queueDepth();
        return new PoolSnapshot(now, target, ready, idle, scoreboard.loopsPerSlot(), busyLoops,
                queue.queued(), queue.backlog(), won, lost);
    }

    /**
     * One event per tick in which handlers asked keep-alive clients to reconnect elsewhere
     * (holding more than their share of connections), so that the spreading is visible.
     */
    private void reportRebalancing(Reading reading) {
        List<String> asked = new ArrayList<>();
        for (HandlerHandle h : pool.all()) {
            SlotSnapshot slot = reading.slot(h);
            long closes = slot == null ? 0 : h.rebalanceClosesSince(slot.rebalanceCloses());
            if (closes > 0) {
                asked.add(h + " asked " + closes + " (holds " + slot.connections() + ")");
            }
        }
        if (!asked.isEmpty()) {
            log.add(Level.INFO, "rebalance", "keep-alive clients asked to reconnect through the shared queue: "
                    + String.join(", ", asked));
        }
    }

    /**
     * Marks handlers past {@code --max-requests} or {@code --max-rss} for retirement. A retiring
     * handler keeps accepting; {@link #fill} starts its replacement, and {@link #trim} stops it
     * once the replacement accepts.
     */
    private void markRetirements(Reading reading) {
        long maxRss = spawning().config().get(Settings.MAX_RSS);
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.READY)) {
            SlotSnapshot slot = reading.slot(h);
            if (slot == null || h.generation() != spawning()) {
                continue;
            }
            if (h.requestLimit() > 0 && slot.requests() >= h.requestLimit()) {
                retire(h, "served " + slot.requests() + " requests (limit " + h.requestLimit() + ")");
                continue;
            }
            long rss = maxRss > 0 ? StatusDocument.rssBytes(h.pid()) : 0;
            if (rss > maxRss) {
                retire(h, "resident memory " + rss / (1024 * 1024) + " MiB over --max-rss "
                        + maxRss / (1024 * 1024) + " MiB");
            }
        }
    }

    private void retire(HandlerHandle h, String reason) {
        h.retire(reason);
        log.add(Level.INFO, "retire", "retiring " + h + ": " + reason + "; its replacement starts first");
    }

    /**
     * Brings the handlers of the generation being started that accept (or will, once booted) up to
     * the target: standby handlers are activated first, in milliseconds; then new ones are
     * spawned. Then refills the standby, once none of those is still booting.
     */
    private void fill(long now) {
        Generation g = spawning();
        int missing = target - pool.count(h -> h.generation() == g && h.carriesLoad());
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.STANDBY)) {
            if (missing <= 0) {
                break;
            }
            if (h.generation() == g) {
                h.activate();
                log.add(Level.INFO, "activate", "activated standby " + h);
                missing--;
                urgentSpawns = Math.max(0, urgentSpawns - 1);
            }
        }
        urgentSpawns = Math.min(urgentSpawns, Math.max(0, missing));
        while (missing > 0 && bootFailures.maySpawn(now)
                && spawn(now, urgentSpawns > 0 ? HandlerCommand.Role.URGENT : HandlerCommand.Role.ACCEPTING)) {
            missing--;
            urgentSpawns = Math.max(0, urgentSpawns - 1);
        }
        // Capacity first, the reserve second: while handlers that will accept still boot, standbys
        // wait, so that on few cores the JVMs the pool needs now do not boot at half speed.
        if (pool.inPhase(HandlerHandle.Phase.STARTING).stream()
                .anyMatch(h -> h.generation() == g && !h.bootsToStandby() && !h.terminating())) {
            return;
        }
        int standbyWanted = g.config().get(Settings.STANDBY);
        int standby = pool.count(h -> h.generation() == g && h.standing());
        while (standby < standbyWanted && bootFailures.maySpawn(now) && spawn(now, HandlerCommand.Role.STANDBY)) {
            standby++;
        }
    }

    /**
     * When the pool has served but no handler accepts any more while clients wait in the kernel's
     * queue (every handler died), handlers still warming up are told to join at once: a cold
     * handler serves sooner than a warm one that is not there yet. At the first start they warm up
     * in full. Only handlers that have claimed their slot are told: their signal handler is in
     * place. The queue's length is known on TCP sockets only.
     */
    private void hurry(Reading reading) {
        List<HandlerHandle> warming = pool.inPhase(HandlerHandle.Phase.STARTING).stream()
                .filter(h -> h.mayHurry() && reading.slot(h) != null).toList();
        if (!hasServed || warming.isEmpty() || pool.count(HandlerHandle::accepting) > 0) {
            return;
        }
        long queued = sockets.queueDepth().queued();
        if (queued <= 0) {
            return;
        }
        for (HandlerHandle h : warming) {
            h.hurry();
            log.add(Level.INFO, "hurry", "no handler accepts and " + queued + " connections wait: "
                    + h + " joins without the rest of its warm-up");
        }
    }

    /**
     * Stops what is beyond the target among the generation being started: retiring handlers once
     * enough others accept; then, when the target shrank, handlers still booting, then ready ones
     * with the fewest connections. Each drains gracefully: it stops accepting, and the kernel's
     * queue, shared by all, keeps whatever arrives meanwhile for the others.
     */
    private void trim(long now, Reading reading) {
        Generation g = spawning();
        // A retiring handler still accepts, so it counts until it stops. Counting only the others
        // would let a pool whose replacements reach --max-requests before their predecessors stop
        // grow without end: each new handler would be retiring by the time it could take over.
        int accepting = pool.count(h -> h.generation() == g && h.accepting());
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.RETIRING)) {
            if (h.generation() == g && accepting > target) {
                accepting--;
                log.add(Level.INFO, "retire", h + " stops: " + h.retireReason() + "; " + accepting + " others accept");
                h.terminate(now);
            }
        }
        int excess = pool.count(h -> h.generation() == g && h.carriesLoad()) - target;
        for (HandlerHandle h : pool.inPhase(HandlerHandle.Phase.STARTING)) {
            if (excess > 0 && h.generation() == g && !h.bootsToStandby()) {
                log.add(Level.INFO, "shrink", h + " stops while booting: target is " + target);
                h.terminate(now);
                excess--;
            }
        }
        List<HandlerHandle> byLoad = pool.inPhase(HandlerHandle.Phase.READY).stream()
                .filter(h -> h.generation() == g)
                .sorted(Comparator.comparingLong(h -> reading.connections(h)))
                .toList();
        for (HandlerHandle h : byLoad) {
            if (excess-- <= 0) {
                break;
            }
            log.add(Level.INFO, "shrink", h + " drains and exits: target is " + target);
            h.terminate(now);
        }
    }

    private boolean spawn(long now, HandlerCommand.Role role) {
        boolean standby = role == HandlerCommand.Role.STANDBY;
        int slot = usedSlots.nextClearBit(0);
        if (slot >= scoreboard.slots()) {
            return false;
        }
        scoreboard.clear(slot);
        Generation g = spawning();
        long pid;
        Sockets.Member socket;
        try {
            socket = sockets.forNewHandler(g, pool.all());
            int port = socket.socket().inetAddress().map(java.net.InetSocketAddress::getPort).orElse(0);
            pid = launcher.spawn(g.command().forHandler(slot, g.number(), role, clock.nanoTime(), port),
                    g.command().environment(port), socket.socket(), more,
                    (exited, status) -> events.add(new SpawnerEvent.HandlerExited(exited, status)));
        } catch (IOException | OsException e) {
            String what = "cannot start a handler: " + e.getMessage();
            if (reload != null) {
                failReload(what, now);
                return false;
            }
            Duration delay = bootFailures.failed(now);
            log.add(Level.ERROR, "boot-failure", what + "; next try in " + delay.toMillis() + " ms");
            if (bootFailures.gaveUp()) {
                beginStop("boot failures", now, ExitCode.BOOT_FAILURE);
            }
            return false;
        }
        long maxRequests = g.config().get(Settings.MAX_REQUESTS);
        int jitter = g.config().get(Settings.MAX_REQUESTS_JITTER);
        long limit = maxRequests == 0 ? 0
                : maxRequests + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextInt(jitter + 1));
        HandlerHandle handle = new HandlerHandle(slot, g, pid, launcher, socket.socket(), now, standby, limit);
        pool.add(handle);
        usedSlots.set(slot);
        log.add(Level.INFO, "spawn", "spawned " + handle + (standby ? " for standby" : "")
                + (role == HandlerCommand.Role.URGENT ? ", needed at once (a short warm-up)" : "")
                + (sockets.reusesPort() ? " on socket " + socket.number() + " of the SO_REUSEPORT group" : ""));
        return true;
    }

    // ---- waiting ----

    // ---- the service manager ----

    /** READY=1 once the pool first accepts at its target, and again once a reload has ended. */
    private void tellReadiness() {
        int accepting = pool.count(HandlerHandle::accepting);
        if (!toldReady && reload == null && accepting >= target) {
            toldReady = true;
            manager.notify("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=generation "
                    + serving.number() + " serving on " + sockets.first().address() + " with " + accepting + " handlers");
        }
    }

    /** WATCHDOG=1 at half the manager's interval, from this loop: a stalled spawner misses it. */
    private void keepWatchdog(long now) {
        Optional<Duration> interval = manager.watchdog();
        if (interval.isPresent() && now - nextWatchdogNanos >= 0) {
            manager.notify("WATCHDOG=1");
            nextWatchdogNanos = now + interval.get().toNanos() / 2;
        }
    }

    /** The nearest of: a handle's deadline, the next scale tick, a booting handler's readiness check, the back-off's end. */
    private long nextWake(long now, Reading reading) {
        long next = now + MAX_SLEEP.toNanos();
        if (manager.watchdog().isPresent()) {
            next = Math.min(next, nextWatchdogNanos);
        }
        if (!stopping) {
            next = Math.min(next, nextScaleNanos);
            if (bootFailures.notBeforeNanos() != Long.MIN_VALUE && bootFailures.notBeforeNanos() - now > 0) {
                next = Math.min(next, bootFailures.notBeforeNanos());
            }
        }
        for (HandlerHandle h : pool.all()) {
            next = Math.min(next, h.deadlineNanos(reading.slot(h)));
            if (h.phase() == HandlerHandle.Phase.STARTING && !h.dumped()) {
                next = Math.min(next, now + READINESS_POLL.toNanos());
            }
        }
        // A deadline already passed but not acted on (heartbeats not judged after an overslept
        // pass) is looked at again soon, not in a busy loop.
        return Math.max(next, now + TimeUnit.MILLISECONDS.toNanos(1));
    }

    private void waitUntil(long wakeNanos) {
        long now = clock.nanoTime();
        try {
            woken = events.poll(Math.max(0, wakeNanos - now), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            beginStop("interrupted", now, ExitCode.FAILURE);
        }
    }

    /** One reading of the scoreboard per pass: each handle's slot, if the handler has claimed it. */
    private Reading read() {
        Map<HandlerHandle, SlotSnapshot> slots = new HashMap<>();
        for (HandlerHandle h : pool.all()) {
            SlotSnapshot slot = scoreboard.read(h.slot());
            if (slot.pid() == h.pid()) {
                slots.put(h, slot);
                h.busyness().update(slot);
            }
        }
        return new Reading(slots);
    }

    private record Reading(Map<HandlerHandle, SlotSnapshot> slots) {
        SlotSnapshot slot(HandlerHandle h) {
            return slots.get(h);
        }

        long connections(HandlerHandle h) {
            SlotSnapshot slot = slots.get(h);
            return slot == null ? 0 : slot.connections();
        }
    }

    private void publish() {
        List<PoolView.Entry> entries = pool.all().stream()
                .map(h -> {
                    boolean foreign = h.generation().command().foreign().isPresent();
                    return new PoolView.Entry(h.slot(), h.pid(), h.generation().number(),
                            h.phase().name().toLowerCase(java.util.Locale.ROOT), h.spawnedAtNanos(),
                            foreign ? java.util.OptionalDouble.empty() : h.busyness().mean(), foreign);
                })
                .toList();
        view = new PoolView(ProcessHandle.current().pid(), startedAtNanos, stopping, target,
                manualTarget.isPresent() ? "manual" : policy.name(), serving.number(),
                reload == null ? 0 : reload.next().number(), serving.maxTarget(), entries, counts.view(),
                serving.tls().map(m -> m.identities().stream().map(PoolView.Certificate::of).toList()).orElse(List.of()));
    }
}
