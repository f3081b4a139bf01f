package dev.herd.spawner.scaling;

/**
 * How many handlers to run, decided at each tick from a {@link PoolSnapshot}. Implementations
 * do no I/O and read no clock but the snapshot's, so that tests drive them tick by tick. They may
 * keep state between ticks (a growth rate, since when a surplus lasts).
 *
 * <p>Every policy keeps its answer within {@code [min, max]} and never lowers the target while
 * connections wait in the kernel's queue.
 */
public sealed interface ScalingPolicy permits StaticPolicy, SparePolicy, AdaptivePolicy {

    Decision decide(PoolSnapshot snapshot);

    /** The name used by {@code --scaling}. */
    String name();

    static int clamp(int n, int min, int max) {
        return Math.max(min, Math.min(max, n));
    }
}
