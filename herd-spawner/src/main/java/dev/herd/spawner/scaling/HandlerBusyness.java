package dev.herd.spawner.scaling;

import dev.herd.scoreboard.SlotSnapshot;

import java.util.OptionalDouble;

/**
 * The busyness of one handler's loops ({@link Busyness}), carried from one reading of its slot to
 * the next: keep one per handler, and give it every reading of that handler's slot (at least one
 * per scale interval; more often only makes the intervals shorter). Used from one thread.
 */
public final class HandlerBusyness {
    private SlotSnapshot last;
    private double[] loops = new double[0];

    /**
     * Takes a reading of the handler's slot. A slot owned by another process or generation than at
     * the previous reading (the slot was reused) starts over: no value until the next stamp.
     */
    public void update(SlotSnapshot current) {
        boolean same = last != null && last.pid() == current.pid() && last.generation() == current.generation()
                && last.loops().size() == current.loops().size();
        double[] next = new double[current.loops().size()];
        for (int j = 0; j < next.length; j++) {
            next[j] = same ? Busyness.between(last.loops().get(j), current.loops().get(j), loops[j])
                    : Busyness.UNKNOWN;
        }
        last = current;
        loops = next;
    }

    /** The sum of the loops' busyness, a loop without a value counting 0: how many loops' worth of work there was. */
    public double sum() {
        double sum = 0;
        for (double b : loops) {
            if (!Double.isNaN(b)) {
                sum += b;
            }
        }
        return sum;
    }

    /** The mean busyness of the loops that have a value; empty when none has. */
    public OptionalDouble mean() {
        double sum = 0;
        int known = 0;
        for (double b : loops) {
            if (!Double.isNaN(b)) {
                sum += b;
                known++;
            }
        }
        return known == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / known);
    }
}
