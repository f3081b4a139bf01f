package dev.herd.handler.accept;

/**
 * When a loop lets a wake-up pass so that a sibling takes the connection instead, and when it asks
 * one of its keep-alive clients to reconnect so that a sibling takes that one.
 *
 * <p>Every loop watching the shared socket is woken for a pending connection, but the one that
 * runs first wins, and on a shared epoll socket that is most often the same recently active
 * loop: left alone, a few loops collect most keep-alive connections (the LIFO wake-up imbalance).
 * A loop holding clearly more than the mean of all ready loops therefore stops watching for a
 * moment; the others, woken too, take the connection. If none does, the loop accepts after the
 * pause: deferring delays a connection by at most {@link #PAUSE_MILLIS}, never loses it.
 *
 * <p>Deferring only steers new connections. Keep-alive connections stay where they were accepted,
 * so a loop that collected many before its siblings existed (the pool just grew) keeps them: it
 * {@linkplain #shouldShed sheds} some, one response with {@code Connection: close} at a time. The
 * two halves use one bound, so that they agree: a loop sheds only while, one connection fewer, it
 * would still defer. The client that reconnects therefore finds this loop deferring and lands on
 * another; and a loop at most one connection over the bound neither sheds nor takes new ones,
 * so a balanced pool never churns.
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

    /** Whether a loop holding {@code mine} connections should ask one of them to reconnect elsewhere. */
    public static boolean shouldShed(long mine, double meanOfReadyLoops) {
        return shouldDefer(mine - 1, meanOfReadyLoops);
    }

    /** As {@link #shouldShed(long, double)}, reading the mean only when it can matter. */
    public static boolean shouldShed(long mine, java.util.function.DoubleSupplier meanOfReadyLoops) {
        return shouldDefer(mine - 1, meanOfReadyLoops);
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
