package dev.herd.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The service manager's notification socket (sd_notify(3), without libsystemd): one datagram per
 * state change to the AF_UNIX socket named by {@code NOTIFY_SOCKET}, a path or, after {@code @},
 * a name in the abstract namespace. Also a datagram socket bound to a path, which receives them:
 * what a test plays the service manager with.
 */
public final class SystemdNotify implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SystemdNotify.class.getName());

    private final int fd;
    private final String socket;
    private final Optional<Duration> watchdog;
    private boolean failedOnce;

    private SystemdNotify(int fd, String socket, Optional<Duration> watchdog) {
        this.fd = fd;
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /**
     * The notification socket {@code environment} names, if any, with the watchdog interval when
     * it asks for one ({@code WATCHDOG_USEC}, for this process if {@code WATCHDOG_PID} says so).
     */
    public static Optional<SystemdNotify> fromEnvironment(Map<String, String> environment, long selfPid) {
        String socket = environment.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty() || !(socket.startsWith("/") || socket.startsWith("@"))) {
            return Optional.empty();
        }
        Optional<Duration> watchdog = Optional.empty();
        String usec = environment.get("WATCHDOG_USEC");
        String pid = environment.get("WATCHDOG_PID");
        if (usec != null && (pid == null || pid.equals(String.valueOf(selfPid)))) {
            try {
                long micros = Long.parseLong(usec.strip());
                if (micros > 0) {
                    watchdog = Optional.of(Duration.ofNanos(micros * 1000));
                }
            } catch (NumberFormatException ignored) {
                // Not a number: no watchdog, as libsystemd does.
            }
        }
        int fd = Posix.socket(Posix.AF_UNIX, Posix.SOCK_DGRAM | Posix.SOCK_CLOEXEC);
        return Optional.of(new SystemdNotify(fd, socket, watchdog));
    }

    /** How often the manager wants {@code WATCHDOG=1}, if it does; send it at half that. */
    public Optional<Duration> watchdog() {
        return watchdog;
    }

    /**
     * Sends {@code state} ({@code READY=1}, {@code STATUS=...}, lines joined by newlines). A
     * manager that does not listen is logged once, and the server goes on.
     */
    public void send(String state) {
        try (Arena arena = Arena.ofConfined()) {
            Posix.sendto(fd, state.getBytes(StandardCharsets.UTF_8), sockaddr(arena, socket));
        } catch (OsException e) {
            if (!failedOnce) {
                failedOnce = true;
                LOG.log(System.Logger.Level.WARNING, "cannot notify the service manager at " + socket + ": "
                        + e.call() + ": " + e.reason());
            }
        }
    }

    /** Receives datagrams sent to {@code path} (bound now), as a service manager would. */
    public static Receiver receiveAt(java.nio.file.Path path) {
        int fd = Posix.socket(Posix.AF_UNIX, Posix.SOCK_DGRAM | Posix.SOCK_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            Posix.bind(fd, sockaddr(arena, path.toString()));
            return new Receiver(fd);
        } catch (RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /** The receiving end of {@link #receiveAt}. */
    public static final class Receiver implements AutoCloseable {
        private final int fd;

        private Receiver(int fd) {
            this.fd = fd;
        }

        /** The next datagram as text, or empty if none came within {@code timeout}. */
        public Optional<String> receive(Duration timeout) {
            Posix.setReceiveTimeout(fd, Math.max(1, timeout.toMillis()));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(4096);
                int n = Posix.recv(fd, buffer);
                return n < 0 ? Optional.empty()
                        : Optional.of(new String(buffer.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8));
            }
        }

        @Override
        public void close() {
            Posix.close(fd);
        }
    }

    /** {@code struct sockaddr_un} for a path, or for {@code @name} in the abstract namespace (a leading NUL). */
    private static MemorySegment sockaddr(Arena arena, String socket) {
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = name[0] == '@';
        MemorySegment sa = arena.allocate(2 + name.length + (abstractName ? 0 : 1));
        sa.set(JAVA_SHORT, 0, (short) Posix.AF_UNIX);
        MemorySegment.copy(name, 0, sa, JAVA_BYTE, 2, name.length);
        if (abstractName) {
            sa.set(JAVA_BYTE, 2, (byte) 0);
        }
        return sa;
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
