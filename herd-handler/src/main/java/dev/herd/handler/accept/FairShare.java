package dev.herd.handler.accept;

/**
 * When a loop lets a wake-up pass so that a sibling takes the connection instead.
 *
 * <p>Every loop watching the shared socket is woken for a pending connection, but the one that
 * runs first wins, and on a shared epoll socket that is most often the same recently active
 * loop: left alone, a few loops collect most keep-alive connections (the LIFO wake-up imbalance).
 * A loop holding clearly more than the mean of all ready loops therefore stops watching for a
 * moment; the others, woken too, take the connection. If none does, the loop accepts after the
 * pause: deferring delays a connection by at most {@link #PAUSE_MILLIS}, never loses it.
 */
public final class FairShare {
    /** How long an over-loaded loop stops watching the socket. */
    static final long PAUSE_MILLIS = 1;
    /** A loop may hold this much more than the mean (as a ratio) before it defers... */
    static final double RATIO = 1.25;
    /** ...plus this many connections, so that small counts never trigger it. */
    static final long SLACK = 2;

    private FairShare() {
    }

    public static boolean shouldDefer(long mine, double meanOfReadyLoops) {
        return mine > meanOfReadyLoops * RATIO + SLACK;
    }

    /**
     * As {@link #shouldDefer(long, double)}, reading the mean only when it can matter: a loop
     * with no more than {@link #SLACK} connections never defers, and that is the common case of
     * every wake-up under short-lived connections.
     */
    public static boolean shouldDefer(long mine, java.util.function.DoubleSupplier meanOfReadyLoops) {
        return mine > SLACK && shouldDefer(mine, meanOfReadyLoops.getAsDouble());
    }
}
