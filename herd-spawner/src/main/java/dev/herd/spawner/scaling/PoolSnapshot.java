package dev.herd.spawner.scaling;

/**
 * What a scaling policy sees at one tick.
 *
 * @param nowNanos        the injected clock's reading
 * @param target          the current target handler count
 * @param ready           handlers accepting now (not starting, standby, retiring or draining)
 * @param idle            ready handlers with no request in flight
 * @param loopsPerHandler event loops per handler ({@code --threads})
 * @param busyLoops       loops of ready handlers with at least one request in flight
 * @param queued          connections waiting in the kernel's accept queue (-1: unknown)
 * @param backlog         size of that queue (-1: unknown)
 * @param acceptsWon      accepts that got a connection since the previous tick
 * @param acceptsLost     wake-ups that found nothing to accept since the previous tick
 */
public record PoolSnapshot(long nowNanos, int target, int ready, int idle, int loopsPerHandler, int busyLoops,
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
        return loops() == 0 ? 0 : (double) busyLoops / loops();
    }

    /** Share of accept attempts that found nothing: high means more handlers watch than work arrives. */
    public double lostRaceRatio() {
        long attempts = acceptsWon + acceptsLost;
        return attempts == 0 ? 0 : (double) acceptsLost / attempts;
    }

    /** The inputs, as a decision's reason shows them. */
    public String describe() {
        return (queued < 0 ? "queue unknown" : queued + " queued") + ", " + busyLoops + "/" + loops()
                + " loops busy, " + idle + "/" + ready + " handlers idle, lost races "
                + Math.round(lostRaceRatio() * 100) + "%";
    }
}
