package dev.herd.handler.accept;

import java.util.function.IntSupplier;

/**
 * At most {@code max} open connections in a handler ({@code --max-connections}): at the limit its
 * loops stop accepting, and new connections stay in the kernel's queue for a sibling (or for this
 * handler, once some of its connections end), instead of being accepted to wait.
 *
 * @param max  the limit; 0: none
 * @param open the handler's open connections now
 */
public record ConnectionLimit(long max, IntSupplier open) {
    /** No limit. */
    public static final ConnectionLimit NONE = new ConnectionLimit(0, () -> 0);

    /** How long a loop at the limit stops watching the socket before it looks again. */
    static final long PAUSE_MILLIS = 10;

    boolean reached() {
        return max > 0 && open.getAsInt() >= max;
    }
}
