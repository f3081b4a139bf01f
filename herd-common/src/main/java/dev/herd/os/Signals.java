package dev.herd.os;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Installs handlers for signals beyond what {@code Runtime} offers (HUP, TTIN, QUIT...).
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the JDK's supported way to do this
 * without flags; the handler runs on a JVM thread created for the delivery, so callers must only
 * enqueue work (rule 1 in CONTRIBUTING.md).
 */
@SuppressWarnings("removal")
public final class Signals {
    private Signals() {
    }

    public static void handle(Signal signal, Consumer<Signal> onSignal) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), s -> onSignal.accept(signal));
    }

    /**
     * Runs {@code first} when {@code signal} arrives, then what was done for it before: for TERM,
     * the JVM's own shutdown, so {@code first} runs before any shutdown hook starts.
     */
    public static void before(Signal signal, Runnable first) {
        AtomicReference<sun.misc.SignalHandler> previous = new AtomicReference<>();
        previous.set(sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), received -> {
            first.run();
            sun.misc.SignalHandler then = previous.get();
            if (then == null || then == sun.misc.SignalHandler.SIG_DFL) {
                Runtime.getRuntime().exit(128 + signal.number());
            } else if (then != sun.misc.SignalHandler.SIG_IGN) {
                then.handle(received);
            }
        }));
    }

    public static void ignore(Signal signal) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), sun.misc.SignalHandler.SIG_IGN);
    }
}
