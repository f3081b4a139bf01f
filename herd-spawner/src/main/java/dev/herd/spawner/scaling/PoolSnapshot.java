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

    /**
     * Loops of the pool as targeted: handlers still booting count as idle capacity on its way, so
     * that the pool does not grow again for load that the handlers already starting will take.
     */
    public int loops() {
        return Math.max(ready, target) * loopsPerHandler;
    }

    /** Busy loops over {@link #loops()}. */
    public double busyFraction() {
        return loops() == 0 ? 1.0 : (double) busyLoops / loops();
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
