package dev.herd.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the bounded wait tests use instead of sleeps. */
public final class Await {
    private static final Duration INTERVAL = Duration.ofMillis(25);

    private Await() {
    }

    /**
     * Returns the first value of {@code probe} that satisfies {@code done}.
     *
     * @throws AssertionError naming {@code what} and the last value seen, when the deadline passes
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
                lastError = null;
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + "; last seen: " + last);
                if (lastError != null) {
                    failure.addSuppressed(lastError);
                }
                throw failure;
            }
            LockSupport.parkNanos(INTERVAL.toNanos());
        }
    }

    public static void until(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
    }
}
