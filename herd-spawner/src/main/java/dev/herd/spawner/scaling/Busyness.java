package dev.herd.spawner.scaling;

import dev.herd.scoreboard.SlotSnapshot;

/**
 * How busy one event loop was between two readings of its scoreboard line: the growth of its busy
 * nanos (the wall time it did not wait for I/O, blocking application calls it handed to other
 * threads included) over the growth of its heartbeat. Both come from one stamp each, so the ratio
 * covers exactly the interval between the two stamps.
 */
public final class Busyness {
    /** No value: nothing to compare with yet. */
    public static final double UNKNOWN = Double.NaN;

    private Busyness() {
    }

    /**
     * @param previous      the loop at the previous reading of the same handler, or null
     * @param current       the loop now
     * @param previousValue what this returned at the previous reading ({@link #UNKNOWN} if nothing)
     * @return the busyness in [0, 1] (several blocking calls at once can make the loop's busy time
     *     grow faster than the wall time: capped at 1); {@code previousValue} when the loop has not
     *     stamped since; {@link #UNKNOWN} without a previous reading, or when the counters went back
     *     (not the same loop)
     */
    public static double between(SlotSnapshot.LoopSnapshot previous, SlotSnapshot.LoopSnapshot current,
                                 double previousValue) {
        if (previous == null) {
            return UNKNOWN;
        }
        long wall = current.heartbeatNanos() - previous.heartbeatNanos();
        long busy = current.busyNanos() - previous.busyNanos();
        if (wall == 0 && busy == 0) {
            return previousValue;
        }
        if (wall <= 0 || busy < 0) {
            return UNKNOWN;
        }
        return Math.min(1.0, (double) busy / wall);
    }
}
