package dev.herd.spawner.scaling;

import java.util.Locale;

/**
 * What a scaling policy sees at one tick.
 *
 * @param nowNanos        the injected clock's reading
 * @param target          the current target handler count
 * @param ready           handlers accepting now (not starting, standby, retiring or draining)
 * @param idle            ready handlers with no request in flight (a handler holding only idle
 *                        keep-alive connections is idle)
 * @param loopsPerHandler event loops per handler ({@code --threads})
 * @param busyLoops       the sum, over the loops of the ready handlers, of each loop's
 *                        {@linkplain Busyness busyness} over its last heartbeat interval: the share
 *                        of wall time it was not waiting for I/O (its own work on the loop, and
 *                        blocking application calls it handed to other threads), in [0, 1]; a loop
 *                        without a value yet counts 0. So 3.5 means three and a half loops' worth
 *                        of work, and asynchronous waits (timers, idle keep-alive connections)
 *                        count nothing.
 * @param queued          connections waiting in the kernel's accept queue (-1: unknown)
 * @param backlog         size of that queue (-1: unknown)
 * @param acceptsWon      accepts that got a connection since the previous tick
 * @param acceptsLost     wake-ups that found nothing to accept since the previous tick (another
 *                        loop won the race)
 */
public record PoolSnapshot(long nowNanos, int target, int ready, int idle, int loopsPerHandler, double busyLoops,
                           long queued, long backlog, long acceptsWon, long acceptsLost) {

    /** Loops of the handlers accepting now. */
    public int loops() {
        return ready * loopsPerHandler;
    }

    /**
     * Busy loops over the loops accepting now; 0 while no handler accepts yet (at start-up the
     * queue alone tells whether more are needed). Handlers still booting do not count: growth
     * goes on while they boot, at the doubling rate, so that a load step is met within a few
     * ticks rather than one boot per tick.
     */
    public double busyFraction() {
        return loops() == 0 ? 0 : busyLoops / loops();
    }

    /** Share of accept attempts that found nothing: high means more handlers watch than work arrives. */
    public double lostRaceRatio() {
        long attempts = acceptsWon + acceptsLost;
        return attempts == 0 ? 0 : (double) acceptsLost / attempts;
    }

    /** The inputs, as a decision's reason shows them. */
    public String describe() {
        return (queued < 0 ? "queue unknown" : queued + " queued") + ", "
                + String.format(Locale.ROOT, "%.1f", busyLoops) + "/" + loops()
                + " loops busy, " + idle + "/" + ready + " handlers idle, lost races "
                + Math.round(lostRaceRatio() * 100) + "%";
    }
}
