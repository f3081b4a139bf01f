package dev.herd.scoreboard;

import java.util.List;

/**
 * One slot as the spawner read it. Counters are sums over the handler's event loops; the
 * heartbeat is the oldest of them, so one stuck loop makes the whole handler look hung.
 *
 * @param busyNanos       the sum of the loops' busy nanos (see {@link LoopSnapshot#busyNanos()})
 * @param rebalanceCloses keep-alive connections asked to reconnect elsewhere, to spread the load
 * @param limitCloses     keep-alive connections ended by {@code --keepalive-requests} or
 *                        {@code --max-connection-age}
 */
public record SlotSnapshot(int slot, long pid, int generation, SlotState state, long oldestHeartbeatNanos,
                           long connections, long inFlight, long requests, long acceptsWon, long acceptsLost,
                           long acceptErrors, long acceptsDeferred, long busyNanos, long rebalanceCloses,
                           long limitCloses, List<LoopSnapshot> loops) {

    /**
     * One event loop's lines.
     *
     * @param heartbeatNanos the loop's last stamp ({@code System.nanoTime()} of the handler, the
     *                       same clock as the spawner's)
     * @param busyNanos      the loop's wall time not spent waiting for I/O since it started, as of
     *                       {@code heartbeatNanos} (written with it): its own work on the loop, and
     *                       the running time of blocking application calls it handed to other
     *                       threads (so it can grow faster than the wall time while several such
     *                       calls run at once)
     */
    public record LoopSnapshot(long heartbeatNanos, long connections, long inFlight, long requests,
                               long acceptsWon, long acceptsLost, long acceptErrors, long acceptsDeferred,
                               long busyNanos, long rebalanceCloses, long limitCloses) {
    }

    /** The slot with its sums and oldest heartbeat computed from {@code loops}. */
    static SlotSnapshot of(int slot, long pid, int generation, SlotState state, List<LoopSnapshot> loops) {
        long oldest = loops.isEmpty() ? 0 : Long.MAX_VALUE;
        long connections = 0;
        long inFlight = 0;
        long requests = 0;
        long won = 0;
        long lost = 0;
        long errors = 0;
        long deferred = 0;
        long busy = 0;
        long rebalanced = 0;
        long limited = 0;
        for (LoopSnapshot loop : loops) {
            oldest = Math.min(oldest, loop.heartbeatNanos());
            connections += loop.connections();
            inFlight += loop.inFlight();
            requests += loop.requests();
            won += loop.acceptsWon();
            lost += loop.acceptsLost();
            errors += loop.acceptErrors();
            deferred += loop.acceptsDeferred();
            busy += loop.busyNanos();
            rebalanced += loop.rebalanceCloses();
            limited += loop.limitCloses();
        }
        return new SlotSnapshot(slot, pid, generation, state, oldest, connections, inFlight, requests, won, lost,
                errors, deferred, busy, rebalanced, limited, List.copyOf(loops));
    }

    /** The name the status page and tests use: starting, standby, idle, busy or draining (empty when unused). */
    public String stateName() {
        return switch (state) {
            case EMPTY -> "empty";
            case STARTING -> "starting";
            case READY -> inFlight > 0 ? "busy" : "idle";
            case DRAINING -> "draining";
            case STANDBY -> "standby";
        };
    }
}
