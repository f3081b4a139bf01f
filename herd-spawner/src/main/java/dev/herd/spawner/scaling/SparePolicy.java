package dev.herd.spawner.scaling;

import java.time.Duration;

/**
 * Keeps between {@code minSpare} and {@code maxSpare} idle handlers (ready, no request in
 * flight), as Apache's prefork MPM and PHP-FPM's dynamic mode do. Too few idle: grow at a rate
 * that doubles per tick up to {@code maxSpawnRate}. Too many for {@code idleTimeout}: retire one.
 * A non-empty accept queue counts as no idle handler at all.
 */
public final class SparePolicy implements ScalingPolicy {
    private final int min;
    private final int max;
    private final int minSpare;
    private final int maxSpare;
    private final GrowthRate rate;
    private final SustainedSurplus surplus;

    public SparePolicy(int min, int max, int minSpare, int maxSpare, int maxSpawnRate, Duration idleTimeout) {
        if (min < 1 || max < min || minSpare < 0 || maxSpare < minSpare) {
            throw new IllegalArgumentException("need 1 <= min <= max and 0 <= min-spare <= max-spare");
        }
        this.min = min;
        this.max = max;
        this.minSpare = minSpare;
        this.maxSpare = maxSpare;
        this.rate = new GrowthRate(maxSpawnRate);
        this.surplus = new SustainedSurplus(idleTimeout);
    }

    @Override
    public Decision decide(PoolSnapshot s) {
        int current = ScalingPolicy.clamp(s.target(), min, max);
        int starting = Math.max(0, current - s.ready());
        int idle = s.queued() > 0 ? 0 : s.idle() + starting;
        if (idle < minSpare) {
            surplus.interrupted();
            if (current >= max) {
                return new Decision(current, "at --max-handlers " + max + ": " + s.describe());
            }
            int next = ScalingPolicy.clamp(current + Math.min(rate.take(), minSpare - idle), min, max);
            return new Decision(next, current + " → " + next + ": fewer than " + minSpare + " spare, "
                    + s.describe());
        }
        rate.reset();
        if (idle <= maxSpare || current <= min || s.queued() > 0) {
            surplus.interrupted();
            return new Decision(current, "steady: " + s.describe());
        }
        long lasted = surplus.lasted(s.nowNanos());
        if (!surplus.retireOne(s.nowNanos())) {
            return new Decision(current, "more than " + maxSpare + " spare for " + lasted / 1_000_000 + " ms");
        }
        return new Decision(current - 1, current + " → " + (current - 1) + ": more than " + maxSpare
                + " spare for " + lasted / 1_000_000 + " ms, " + s.describe());
    }

    @Override
    public String name() {
        return "spare";
    }
}
