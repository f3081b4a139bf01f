package dev.herd.spawner;

import dev.herd.os.ListeningSocket;
import dev.herd.os.OsException;
import dev.herd.os.Posix;
import dev.herd.os.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Handlers as real processes, sharing the spawner's standard output and error; their standard
 * input is their listening socket, made the spawner's own fd 0 just before the start. Spawns
 * happen on the spawner's loop thread only, so nothing else moves fd 0 meanwhile.
 */
final class ProcessLauncher implements Launcher {
    /** Variables of the spawner's environment that handlers do not get (the admin token's, if any). */
    private final java.util.Set<String> withheld;

    ProcessLauncher(java.util.Set<String> withheld) {
        this.withheld = java.util.Set.copyOf(withheld);
    }

    @Override
    public long spawn(List<String> command, Map<String, String> environment, ListeningSocket socket, Exited exited)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().clear();
        builder.environment().putAll(environmentOf(environment));
        Process process = startWithStdin(builder, socket);
        process.onExit().thenAccept(p -> exited.exited(p.pid(), p.exitValue()));
        return process.pid();
    }

    /**
     * With more than one socket, where {@link ProcessBuilder} cannot go (it gives a child its
     * standard three descriptors only): {@code posix_spawn} with each socket moved to its number.
     * The child is then this process's own to reap: once the JDK sees it end (without reaping it),
     * {@code waitpid} takes its status.
     */
    @Override
    public long spawn(List<String> command, Map<String, String> environment, ListeningSocket socket,
                      List<ListeningSocket> more, Exited exited) throws IOException {
        if (more.isEmpty()) {
            return spawn(command, environment, socket, exited);
        }
        int[] descriptors = new int[1 + more.size()];
        descriptors[0] = socket.fd();
        for (int i = 0; i < more.size(); i++) {
            descriptors[i + 1] = more.get(i).fd();
        }
        List<String> variables = environmentOf(environment).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        long pid;
        try {
            pid = Posix.spawn(command, variables, descriptors);
        } catch (OsException e) {
            throw new IOException(command.getFirst() + ": " + e.call() + ": " + e.reason(), e);
        }
        ProcessHandle.of(pid).map(ProcessHandle::onExit)
                .orElse(java.util.concurrent.CompletableFuture.completedFuture(null))
                .thenRun(() -> exited.exited(pid, Posix.waitpid(pid)));
        return pid;
    }

    /** The spawner's environment as a handler gets it. */
    private Map<String, String> environmentOf(Map<String, String> added) {
        Map<String, String> variables = new java.util.LinkedHashMap<>(System.getenv());
        // Socket activation and the service manager's notifications were meant for the spawner; the
        // handler gets the socket as fd 0, and never sends the manager anything.
        variables.keySet().removeAll(List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES",
                "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"));
        variables.keySet().removeAll(withheld);
        variables.putAll(added);
        // Under the C locale a JVM cannot name files outside ASCII (sun.jnu.encoding follows the
        // locale, and no flag changes it): static files with such names would be unreachable.
        if (!"UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
            variables.put("LC_ALL", "C.UTF-8");
        }
        return variables;
    }

    /**
     * Starts the process with {@code socket} as its fd 0, then gives the spawner its own fd 0
     * back: a socket the spawner closes later must not stay open here as its standard input.
     */
    private static Process startWithStdin(ProcessBuilder builder, ListeningSocket socket) throws IOException {
        int saved;
        try {
            saved = Posix.dup(0);
        } catch (OsException closed) {
            saved = -1;
        }
        socket.installAsStdin();
        try {
            return builder.start();
        } finally {
            if (saved >= 0) {
                Posix.dup2(saved, 0);
                Posix.close(saved);
            } else if (socket.fd() != 0) {
                Posix.close(0);
            }
        }
    }

    @Override
    public void signal(long pid, Signal signal) {
        Posix.kill(pid, signal.number());
    }

    @Override
    public long oomKills() {
        try {
            return oomKillsIn(Files.readAllLines(VMSTAT));
        } catch (IOException e) {
            return -1;
        }
    }

    private static final Path VMSTAT = Path.of("/proc/vmstat");

    /** The {@code oom_kill} counter of {@code /proc/vmstat} (Linux 4.13 and later), or -1. */
    static long oomKillsIn(List<String> vmstat) {
        for (String line : vmstat) {
            if (line.startsWith("oom_kill ")) {
                try {
                    return Long.parseLong(line.substring("oom_kill ".length()).strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
