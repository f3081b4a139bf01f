package dev.herd.spawner;

import dev.herd.os.ListeningSocket;
import dev.herd.os.Signal;
import dev.herd.scoreboard.SlotSnapshot;
import dev.herd.spawner.scaling.HandlerBusyness;

/**
 * The spawner's view of one handler process, and the only code that signals it (rule 3 in CONTRIBUTING.md).
 * It owns the deadline of the phase the handler is in — boot, heartbeat, thread-dump grace,
 * drain — and says which escalation is due; the spawner loop enforces them all in one step.
 *
 * <p>Used on the spawner thread only.
 */
final class HandlerHandle {
    /**
     * STARTING: booting. STANDBY: booted, not accepting, waiting for SIGUSR1. READY: accepting.
     * RETIRING: accepting until its replacement is ready, then TERM. STOPPING: TERM or KILL sent.
     */
    enum Phase { STARTING, STANDBY, READY, RETIRING, STOPPING }

    /** What a passed deadline asks for. */
    enum Escalation {
        /** Not ready within the boot timeout: thread dump, then kill; it counts as a failed boot. */
        BOOT_HUNG,
        /** A loop's heartbeat is older than the timeout: thread dump, then kill. */
        HEARTBEAT_MISSED,
        /** Still there a grace after its thread dump. */
        STILL_HUNG,
        /** Still there after its drain's grace. */
        DRAIN_OVERDUE
    }

    private final int slot;
    private final Generation generation;
    private final Generation.Deadlines deadlines;
    private final long pid;
    private final Launcher launcher;
    private final ListeningSocket socket;
    private final long spawnedAtNanos;
    private final boolean bootsToStandby;
    private final long requestLimit;
    private Phase phase = Phase.STARTING;
    private boolean booted;
    private boolean bootTimedOut;
    private long termSentAtNanos = Long.MIN_VALUE;
    private long quitSentAtNanos = Long.MIN_VALUE;
    private boolean killSent;
    private boolean hurried;
    private String retireReason;
    private long lastAcceptsWon;
    private long lastAcceptsLost;
    private long lastRebalanceCloses;
    private final HandlerBusyness busyness = new HandlerBusyness();

    /**
     * @param bootsToStandby whether it boots into standby (not accepting until activated)
     * @param requestLimit   requests after which it is retired; 0 for no limit
     */
    HandlerHandle(int slot, Generation generation, long pid, Launcher launcher, ListeningSocket socket,
                  long spawnedAtNanos, boolean bootsToStandby, long requestLimit) {
        this.slot = slot;
        this.generation = generation;
        this.deadlines = generation.deadlines();
        this.pid = pid;
        this.launcher = launcher;
        this.socket = socket;
        this.spawnedAtNanos = spawnedAtNanos;
        this.bootsToStandby = bootsToStandby;
        this.requestLimit = requestLimit;
    }

    // ---- the phase deadlines ----

    /**
     * When this handle next needs the loop's attention for a deadline, or {@link Long#MAX_VALUE}.
     *
     * @param slot its scoreboard slot as read this pass, or null while the slot is not its own yet
     */
    long deadlineNanos(SlotSnapshot slot) {
        if (killSent) {
            return Long.MAX_VALUE;
        }
        if (quitSentAtNanos != Long.MIN_VALUE) {
            return quitSentAtNanos + Generation.Deadlines.DUMP_GRACE.toNanos();
        }
        return switch (phase) {
            case STOPPING -> termSentAtNanos + deadlines.termToKill().toNanos();
            case STARTING -> spawnedAtNanos + deadlines.boot().toNanos();
            case STANDBY, READY, RETIRING -> slot == null ? Long.MAX_VALUE
                    : slot.oldestHeartbeatNanos() + deadlines.heartbeat().toNanos();
        };
    }

    /**
     * The escalation due at {@code now}, if any. Heartbeats are judged only when the spawner's own
     * pass came on time: after it overslept, old stamps say nothing about the handlers.
     */
    Escalation due(long nowNanos, SlotSnapshot slot, boolean judgeHeartbeats) {
        long deadline = deadlineNanos(slot);
        if (deadline == Long.MAX_VALUE || nowNanos - deadline < 0) {
            return null;
        }
        if (quitSentAtNanos != Long.MIN_VALUE) {
            return Escalation.STILL_HUNG;
        }
        return switch (phase) {
            case STOPPING -> Escalation.DRAIN_OVERDUE;
            case STARTING -> Escalation.BOOT_HUNG;
            case STANDBY, READY, RETIRING -> judgeHeartbeats ? Escalation.HEARTBEAT_MISSED : null;
        };
    }

    /** Asks the JVM for a thread dump on its standard error before it is killed as hung. */
    void dumpThreads(long nowNanos) {
        if (quitSentAtNanos == Long.MIN_VALUE) {
            quitSentAtNanos = nowNanos;
            bootTimedOut = phase == Phase.STARTING;
            launcher.signal(pid, Signal.QUIT);
        }
    }

    void kill() {
        if (!killSent) {
            killSent = true;
            phase = Phase.STOPPING;
            launcher.signal(pid, Signal.KILL);
        }
    }

    /** Graceful stop: the handler stops accepting, finishes what it has, and exits. */
    void terminate(long nowNanos) {
        if (termSentAtNanos == Long.MIN_VALUE && !killSent) {
            termSentAtNanos = nowNanos;
            phase = Phase.STOPPING;
            launcher.signal(pid, Signal.TERM);
        }
    }

    // ---- phase changes ----

    void ready() {
        phase = Phase.READY;
        booted = true;
    }

    /** Booted into standby: it waits for {@link #activate()}. */
    void standby() {
        phase = Phase.STANDBY;
        booted = true;
    }

    /** Tells a standby handler to start watching the socket (SIGUSR1); it accepts within milliseconds. */
    void activate() {
        phase = Phase.READY;
        launcher.signal(pid, Signal.USR1);
    }

    /** Whether {@link #hurry} would tell it something: booting to accept, and not told yet. */
    boolean mayHurry() {
        return phase == Phase.STARTING && !bootsToStandby && !hurried && !terminating();
    }

    /**
     * Tells a handler still booting that the pool needs it now (SIGUSR1): it skips what is left of
     * its warm-up and accepts cold.
     */
    void hurry() {
        hurried = true;
        launcher.signal(pid, Signal.USR1);
    }

    /** Marks it for retirement: it keeps accepting until a replacement is ready. */
    void retire(String reason) {
        if (phase == Phase.READY) {
            phase = Phase.RETIRING;
            retireReason = reason;
        }
    }

    /**
     * Whether its exit ends a failed boot: it never became ready, and it either timed out booting
     * or left on its own. A handler told to stop while booting (the pool shrank, the server stops,
     * a reload was given up) did not fail.
     */
    boolean bootFailed() {
        return !booted && (bootTimedOut || termSentAtNanos == Long.MIN_VALUE);
    }

    // ---- what it is ----

    boolean bootsToStandby() {
        return bootsToStandby;
    }

    long requestLimit() {
        return requestLimit;
    }

    String retireReason() {
        return retireReason;
    }

    /** Accepts won and lost since the last call, from the slot's running totals. */
    long[] acceptDeltas(long won, long lost) {
        long[] result = {Math.max(0, won - lastAcceptsWon), Math.max(0, lost - lastAcceptsLost)};
        lastAcceptsWon = won;
        lastAcceptsLost = lost;
        return result;
    }

    /** Its loops' busyness, carried across the readings of its slot. */
    HandlerBusyness busyness() {
        return busyness;
    }

    /** Keep-alive clients it asked to reconnect since the last call, from the slot's running total. */
    long rebalanceClosesSince(long total) {
        long delta = Math.max(0, total - lastRebalanceCloses);
        lastRebalanceCloses = total;
        return delta;
    }

    /** Accepting connections now (ready, or retiring but not yet told to stop). */
    boolean accepting() {
        return phase == Phase.READY || phase == Phase.RETIRING;
    }

    /**
     * Counts toward a target: accepting, or booting to accept. A boot that timed out still counts
     * until its exit is reaped: only then is it a boot failure, and the next spawn waits its back-off.
     */
    boolean carriesLoad() {
        return phase == Phase.READY || (booting() && !bootsToStandby);
    }

    /** Counts toward the standby wanted: on standby, or booting to it. */
    boolean standing() {
        return phase == Phase.STANDBY || (booting() && bootsToStandby);
    }

    private boolean booting() {
        return phase == Phase.STARTING || bootTimedOut;
    }

    int slot() {
        return slot;
    }

    /** The listening socket it was given. */
    ListeningSocket socket() {
        return socket;
    }

    /**
     * Keeps its socket from a successor of its generation: booting or accepting, not retiring
     * (its replacement takes the socket over) nor stopping.
     */
    boolean holdsSocket() {
        return (phase == Phase.STARTING || phase == Phase.READY) && !terminating();
    }

    Generation generation() {
        return generation;
    }

    long pid() {
        return pid;
    }

    Phase phase() {
        return phase;
    }

    long spawnedAtNanos() {
        return spawnedAtNanos;
    }

    boolean terminating() {
        return termSentAtNanos != Long.MIN_VALUE;
    }

    boolean dumped() {
        return quitSentAtNanos != Long.MIN_VALUE;
    }

    boolean killed() {
        return killSent;
    }

    /** "exited with status 1" or "was killed by SIGKILL", from the status the JDK reports. */
    static String describeExit(int status) {
        // The JDK reports death by signal N as 128 + N.
        if (status > 128 && status < 128 + 65) {
            return "was killed by " + Signal.describe(status - 128);
        }
        return "exited with status " + status;
    }

    @Override
    public String toString() {
        return "handler " + slot + " (pid " + pid + ", generation " + generation.number() + ")";
    }
}
