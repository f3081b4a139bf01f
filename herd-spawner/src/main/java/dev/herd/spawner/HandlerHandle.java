package dev.herd.spawner;

import dev.herd.os.Posix;
import dev.herd.os.Signal;

/**
 * The spawner's view of one handler process, and the only code that signals it (STYLE rule 3).
 * A signal to a process that no longer exists counts as delivered: it has exited, and its exit
 * event is on its way.
 *
 * <p>Used on the spawner thread only.
 */
final class HandlerHandle {
    /**
     * STARTING: booting. STANDBY: booted, not accepting, waiting for SIGUSR1. READY: accepting.
     * RETIRING: accepting until its replacement is ready, then TERM. STOPPING: TERM or KILL sent.
     */
    enum Phase { STARTING, STANDBY, READY, RETIRING, STOPPING }

    private final int slot;
    private final int generation;
    private final Process process;
    private final long spawnedAtNanos;
    private Phase phase = Phase.STARTING;
    private long termSentAtNanos = Long.MIN_VALUE;
    private long quitSentAtNanos = Long.MIN_VALUE;
    private boolean killSent;

    private final boolean bootsToStandby;
    private final long requestLimit;
    private String retireReason;
    private long lastAcceptsWon;
    private long lastAcceptsLost;

    /**
     * @param bootsToStandby whether it boots into standby (not accepting until activated)
     * @param requestLimit   requests after which it is retired; 0 for no limit
     */
    HandlerHandle(int slot, int generation, Process process, long spawnedAtNanos, boolean bootsToStandby,
                  long requestLimit) {
        this.slot = slot;
        this.generation = generation;
        this.process = process;
        this.spawnedAtNanos = spawnedAtNanos;
        this.bootsToStandby = bootsToStandby;
        this.requestLimit = requestLimit;
    }

    boolean bootsToStandby() {
        return bootsToStandby;
    }

    long requestLimit() {
        return requestLimit;
    }

    /** Booted into standby: it waits for {@link #activate()}. */
    void standby() {
        phase = Phase.STANDBY;
    }

    /** Tells a standby handler to start watching the socket (SIGUSR1); it accepts within milliseconds. */
    void activate() {
        phase = Phase.READY;
        signal(Signal.USR1);
    }

    /** Marks it for retirement: it keeps accepting until a replacement is ready. */
    void retire(String reason) {
        if (phase == Phase.READY) {
            phase = Phase.RETIRING;
            retireReason = reason;
        }
    }

    String retireReason() {
        return retireReason;
    }

    /** Accepts won and lost since the last call, from the slot's running totals. */
    long[] acceptDeltas(long won, long lost) {
        long[] deltas = {Math.max(0, won - lastAcceptsWon), Math.max(0, lost - lastAcceptsLost)};
        lastAcceptsWon = won;
        lastAcceptsLost = lost;
        return deltas;
    }

    /** Accepting connections now (ready, or retiring but not yet told to stop). */
    boolean accepting() {
        return phase == Phase.READY || phase == Phase.RETIRING;
    }

    int slot() {
        return slot;
    }

    int generation() {
        return generation;
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    Phase phase() {
        return phase;
    }

    long spawnedAtNanos() {
        return spawnedAtNanos;
    }

    void ready() {
        phase = Phase.READY;
    }

    /** Graceful stop: the handler stops accepting, finishes what it has, and exits. */
    void terminate(long nowNanos) {
        if (termSentAtNanos == Long.MIN_VALUE) {
            termSentAtNanos = nowNanos;
            phase = Phase.STOPPING;
            signal(Signal.TERM);
        }
    }

    boolean terminating() {
        return termSentAtNanos != Long.MIN_VALUE;
    }

    /** Asks the JVM for a thread dump on its standard error, before it is killed as hung. */
    void dumpThreads(long nowNanos) {
        if (quitSentAtNanos == Long.MIN_VALUE) {
            quitSentAtNanos = nowNanos;
            signal(Signal.QUIT);
        }
    }

    boolean dumped() {
        return quitSentAtNanos != Long.MIN_VALUE;
    }

    long quitSentAtNanos() {
        return quitSentAtNanos;
    }

    void kill() {
        if (!killSent) {
            killSent = true;
            phase = Phase.STOPPING;
            signal(Signal.KILL);
        }
    }

    boolean killed() {
        return killSent;
    }

    private void signal(Signal signal) {
        Posix.kill(process.pid(), signal.number());
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
        return "handler " + slot + " (pid " + pid() + ", generation " + generation + ")";
    }
}
