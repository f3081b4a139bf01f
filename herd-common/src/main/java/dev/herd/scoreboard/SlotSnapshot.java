package dev.herd.scoreboard;

import java.util.List;

/**
 * One slot as the spawner read it. Counters are sums over the handler's event loops; the
 * heartbeat is the oldest of them, so one stuck loop makes the whole handler look hung.
 */
public record SlotSnapshot(int slot, long pid, int generation, SlotState state, long oldestHeartbeatNanos,
                           long connections, long inFlight, long requests, long acceptsWon, long acceptsLost,
                           long acceptErrors, long acceptsDeferred, List<LoopSnapshot> loops) {

    public record LoopSnapshot(long heartbeatNanos, long connections, long inFlight, long requests,
                               long acceptsWon, long acceptsLost, long acceptErrors, long acceptsDeferred) {
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
