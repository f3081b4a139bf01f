package dev.herd.handler.accept;

import java.time.Duration;

/**
 * How long a loop stops accepting after an accept failure that would otherwise spin: starts at
 * {@code first}, doubles with every failure in a row up to {@code max}, and starts over after a
 * successful accept. One instance per loop; used only on that loop's thread.
 */
public final class AcceptBackoff {
    private final Duration first;
    private final Duration max;
    private Duration next;
    private int failuresInRow;

    public AcceptBackoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The pause to take now; the next failure in a row pauses twice as long. */
    public Duration onFailure() {
        Duration pause = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        failuresInRow++;
        return pause;
    }

    public void onSuccess() {
        next = first;
        failuresInRow = 0;
    }

    /** True for the first failure of a run: the one worth a log line. */
    public boolean firstInRow() {
        return failuresInRow == 1;
    }
}
