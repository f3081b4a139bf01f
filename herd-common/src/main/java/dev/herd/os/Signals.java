package dev.herd.os;

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

    public static void ignore(Signal signal) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), sun.misc.SignalHandler.SIG_IGN);
    }
}
