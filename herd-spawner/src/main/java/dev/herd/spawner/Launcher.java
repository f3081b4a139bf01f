package dev.herd.spawner;

import dev.herd.os.ListeningSocket;
import dev.herd.os.Signal;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The spawner's only way to the operating system's processes: start a handler, signal it, hear
 * that it exited, and what the kernel's OOM killer did. The real one starts JVMs; tests give the spawner loop a fake one and drive every
 * lifecycle path without a process or a sleep.
 */
interface Launcher {
    /**
     * Starts a handler process.
     *
     * @param command     its command line
     * @param environment variables added to the spawner's environment for it
     * @param socket  the listening socket it accepts from, which it gets as its standard input
     * @param exited  called once, on any thread, when it has exited
     * @return its pid
     * @throws IOException if it cannot be started
     */
    long spawn(List<String> command, Map<String, String> environment, ListeningSocket socket, Exited exited)
            throws IOException;

    /**
     * Starts a handler process that listens on more than one socket: {@code socket} as its
     * standard input, and {@code more} as its descriptors 3, 4, and so on.
     */
    default long spawn(List<String> command, Map<String, String> environment, ListeningSocket socket,
                       List<ListeningSocket> more, Exited exited) throws IOException {
        if (!more.isEmpty()) {
            throw new IOException("this launcher hands a handler one socket");
        }
        return spawn(command, environment, socket, exited);
    }

    /** Sends a signal; a process that no longer exists counts as signalled (its exit is on its way). */
    void signal(long pid, Signal signal);

    /**
     * How many processes the kernel's OOM killer has killed since the machine booted, or -1 if the
     * kernel does not say: a handler's SIGKILL that herd did not send, with this count risen
     * meanwhile, was most likely the OOM killer's.
     */
    long oomKills();

    @FunctionalInterface
    interface Exited {
        /** @param status its exit status; 128 + N when signal N killed it */
        void exited(long pid, int status);
    }
}
