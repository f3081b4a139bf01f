package dev.herd.spawner.scaling;

import java.time.Duration;

/** Builds the snapshots the policy tests feed, one scale interval apart on an injected clock. */
final class Ticks {
    static final int LOOPS = 2;
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private long now = 1_000_000_000L;

    long now() {
        return now;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }

    /**
     * A pool of {@code target} ready handlers whose loops are busy {@code busyLoops} loops' worth
     * (at most all of them), {@code queued} waiting; a handler with any busy loop is not idle.
     */
    PoolSnapshot at(int target, double busyLoops, long queued) {
        double busy = Math.min(busyLoops, target * LOOPS);
        int busyHandlers = (int) Math.ceil(busy / LOOPS);
        return new PoolSnapshot(now, target, target, target - busyHandlers, LOOPS, busy, queued, 2048, 100, 10);
    }

    /** Runs {@code ticks} decisions with a constant load, feeding each target back; returns them. */
    int[] run(ScalingPolicy policy, int start, double busyLoops, long queued, int ticks) {
        int[] targets = new int[ticks];
        int target = start;
        for (int i = 0; i < ticks; i++) {
            target = policy.decide(at(target, busyLoops, queued)).target();
            targets[i] = target;
            advance(INTERVAL);
        }
        return targets;
    }
}
