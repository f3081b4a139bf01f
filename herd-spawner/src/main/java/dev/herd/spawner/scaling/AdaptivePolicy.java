package dev.herd.spawner.scaling;

import java.time.Duration;

/**
 * Grows fast while there is pressure, shrinks slowly after a sustained surplus.
 *
 * <ul>
 *   <li>Pressure: connections wait in the kernel's queue, or the ready loops are busy at least
 *       {@link #BUSY_HIGH} of the time ({@link PoolSnapshot#busyFraction()}: work on the loops and
 *       blocking calls, not asynchronous waits). Each tick under pressure adds handlers at a rate
 *       that doubles per tick (1, 2, 4, ...) up to {@code maxSpawnRate}.</li>
 *   <li>Surplus: the queue is empty and one handler fewer would still leave its loops busy under
 *       {@link #BUSY_LOW} of the time. After {@code idleTimeout} of uninterrupted surplus one
 *       handler is retired, and the surplus must last another {@code idleTimeout} for the next.</li>
 *   <li>Between the two (the hysteresis band) the target holds, so a constant load does not make
 *       it flap.</li>
 * </ul>
 */
public final class AdaptivePolicy implements ScalingPolicy {
    static final double BUSY_HIGH = 0.75;
    static final double BUSY_LOW = 0.25;

    private final int min;
    private final int max;
    private final GrowthRate rate;
    private final SustainedSurplus surplus;

    public AdaptivePolicy(int min, int max, int maxSpawnRate, Duration idleTimeout) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max, got " + min + ".." + max);
        }
        this.min = min;
        this.max = max;
        this.rate = new GrowthRate(maxSpawnRate);
        this.surplus = new SustainedSurplus(idleTimeout);
    }

    @Override
    public Decision decide(PoolSnapshot s) {
        int current = ScalingPolicy.clamp(s.target(), min, max);
        boolean pressure = s.queued() > 0 || s.busyFraction() >= BUSY_HIGH;
        if (pressure) {
            surplus.interrupted();
            if (current >= max) {
                return new Decision(current, "at --max-handlers " + max + ": " + s.describe());
            }
            int next = ScalingPolicy.clamp(current + rate.take(), min, max);
            return new Decision(next, current + " → " + next + ": " + s.describe());
        }
        rate.reset();
        boolean idleCapacity = current > min && s.queued() <= 0
                && s.busyLoops() < (current - 1) * s.loopsPerHandler() * BUSY_LOW;
        if (!idleCapacity) {
            surplus.interrupted();
            return new Decision(current, "steady: " + s.describe());
        }
        long lasted = surplus.lasted(s.nowNanos());
        if (!surplus.retireOne(s.nowNanos())) {
            return new Decision(current, "surplus for " + lasted / 1_000_000 + " ms: " + s.describe());
        }
        return new Decision(current - 1, current + " → " + (current - 1) + ": surplus for "
                + lasted / 1_000_000 + " ms, " + s.describe());
    }

    @Override
    public String name() {
        return "adaptive";
    }
}
