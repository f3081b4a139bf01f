package dev.herd.spawner.scaling;

/**
 * Handlers to add per tick while growth is needed: 1, then twice as many every tick in a row,
 * up to {@code --max-spawn-rate}; back to 1 after a tick without growth (Apache's spawn rate).
 */
final class GrowthRate {
    private final int max;
    private int next = 1;

    GrowthRate(int max) {
        this.max = max;
    }

    int take() {
        int now = Math.min(next, max);
        next = Math.min(max, next * 2);
        return now;
    }

    void reset() {
        next = 1;
    }
}
