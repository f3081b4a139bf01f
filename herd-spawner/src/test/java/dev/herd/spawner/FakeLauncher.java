package dev.herd.spawner;

import dev.herd.os.ListeningSocket;
import dev.herd.os.Signal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Handlers without processes: records what the spawner starts and signals, and behaves as a
 * handler would — TERM and KILL end it (unless it is told to ignore TERM, as a wedged drain does),
 * QUIT only prints a thread dump. An exit reaches the spawner as the real one does: through the
 * callback, onto its queue.
 */
final class FakeLauncher implements Launcher {
    /** One started handler, with the arguments the spawner gave it. */
    static final class Fake {
        final long pid;
        final List<String> command;
        /** The socket it was given as its standard input. */
        final ListeningSocket socket;
        final Exited exited;
        boolean ignoresTerm;
        boolean exitedAlready;

        Fake(long pid, List<String> command, ListeningSocket socket, Exited exited) {
            this.pid = pid;
            this.command = command;
            this.socket = socket;
            this.exited = exited;
        }

        int slot() {
            return Integer.parseInt(argument("slot"));
        }

        int generation() {
            return Integer.parseInt(argument("generation"));
        }

        boolean standby() {
            return Boolean.parseBoolean(argument("standby"));
        }

        String argument(String name) {
            return command.stream().filter(a -> a.startsWith(name + "=")).findFirst()
                    .map(a -> a.substring(name.length() + 1))
                    .orElseThrow(() -> new AssertionError("no " + name + "= in " + command));
        }
    }

    record Sent(long pid, Signal signal) {
    }

    final List<Fake> spawned = new ArrayList<>();
    final List<Sent> signals = new ArrayList<>();
    private long nextPid = 1000;
    boolean spawnFails;
    /** What {@link #oomKills} says; a test raises it to play the kernel's OOM killer. */
    long oomKills = 3;

    @Override
    public long spawn(List<String> command, Map<String, String> environment, ListeningSocket socket, Exited exited)
            throws IOException {
        if (spawnFails) {
            throw new IOException("no such file: java");
        }
        Fake fake = new Fake(nextPid++, command, socket, exited);
        spawned.add(fake);
        return fake.pid;
    }

    @Override
    public void signal(long pid, Signal signal) {
        signals.add(new Sent(pid, signal));
        Fake fake = byPid(pid);
        switch (signal) {
            case KILL -> exit(fake, 128 + 9);
            case TERM -> {
                if (!fake.ignoresTerm) {
                    exit(fake, 0);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public long oomKills() {
        return oomKills;
    }

    void exit(Fake fake, int status) {
        if (!fake.exitedAlready) {
            fake.exitedAlready = true;
            fake.exited.exited(fake.pid, status);
        }
    }

    Fake byPid(long pid) {
        return spawned.stream().filter(f -> f.pid == pid).findFirst().orElseThrow();
    }

    List<Signal> signalsTo(Fake fake) {
        return signals.stream().filter(s -> s.pid() == fake.pid).map(Sent::signal).toList();
    }

    List<Fake> alive() {
        return spawned.stream().filter(f -> !f.exitedAlready).toList();
    }

    List<Fake> ofGeneration(int generation) {
        return spawned.stream().filter(f -> f.generation() == generation).toList();
    }
}
