package dev.herd.os;

import dev.herd.config.Address;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The well-known address: one listening socket, made with the OS's own calls so that its file
 * descriptor can be handed to every handler process as fd 0.
 *
 * <p>The socket is always non-blocking. O_NONBLOCK belongs to the open file, which every handler
 * shares: a blocking socket would park an event loop inside {@code accept()} whenever another
 * process won the race.
 */
public final class ListeningSocket implements AutoCloseable {
    private static final short SHORT_MAX = Short.MAX_VALUE;
    /** systemd passes the first socket as fd 3 (SD_LISTEN_FDS_START). */
    private static final int SD_LISTEN_FDS_START = 3;

    /** Where the socket came from, for the log and the status page. */
    public enum Origin { BOUND, SYSTEMD, INHERITED_STDIN }

    private final int fd;
    private final Address address;
    private final Origin origin;
    private final boolean unlinkOnClose;
    private boolean closed;

    private ListeningSocket(int fd, Address address, Origin origin, boolean unlinkOnClose) {
        this.fd = fd;
        this.address = address;
        this.origin = origin;
        this.unlinkOnClose = unlinkOnClose;
    }

    /**
     * Creates, binds and listens.
     *
     * @throws OsException naming the failed call (bind: "Address already in use", ...)
     */
    public static ListeningSocket bind(Address address, int backlog) {
        return switch (address) {
            case Address.Inet inet -> bindInet(inet, backlog, false);
            case Address.Unix unix -> bindUnix(unix, backlog);
        };
    }

    /**
     * Creates, binds and listens with SO_REUSEPORT: a socket of the group on {@code address} that
     * others made the same way, by this user, join; the kernel hashes each connection to one of them.
     */
    public static ListeningSocket bindReusingPort(Address.Inet address, int backlog) {
        return bindInet(address, backlog, true);
    }

    /** Whether the socket was bound with SO_REUSEPORT (systemd: {@code ReusePort=yes}). */
    public boolean reusesPort() {
        return Posix.intOption(fd, Posix.SOL_SOCKET, Posix.SO_REUSEPORT) != 0;
    }

    private static ListeningSocket bindInet(Address.Inet inet, int backlog, boolean reusePort) {
        boolean v6 = inet.host() instanceof java.net.Inet6Address;
        int fd = Posix.socket(v6 ? Posix.AF_INET6 : Posix.AF_INET,
                Posix.SOCK_STREAM | Posix.SOCK_NONBLOCK | Posix.SOCK_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            // Restarting herd must not wait out TIME_WAIT of the previous run's connections.
            Posix.setIntOption(fd, Posix.SOL_SOCKET, Posix.SO_REUSEADDR, 1);
            if (reusePort) {
                Posix.setIntOption(fd, Posix.SOL_SOCKET, Posix.SO_REUSEPORT, 1);
            }
            Posix.bind(fd, inetSockaddr(arena, inet));
            Posix.listen(fd, backlog);
            return new ListeningSocket(fd, localAddress(fd), Origin.BOUND, false);
        } catch (RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    private static ListeningSocket bindUnix(Address.Unix unix, int backlog) {
        removeStaleSocket(unix.path());
        int fd = Posix.socket(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_NONBLOCK | Posix.SOCK_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            Posix.bind(fd, unixSockaddr(arena, unix.path()));
            Posix.listen(fd, backlog);
            return new ListeningSocket(fd, unix, Origin.BOUND, true);
        } catch (RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /**
     * A socket file left behind by a server that died is removed; one that still answers belongs
     * to a running server and is left alone (bind then fails with "Address already in use").
     */
    private static void removeStaleSocket(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException refused) {
            try {
                if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException ignored) {
                // bind will report the path's problem.
            }
        }
    }

    /**
     * A listening socket the OS handed over: systemd socket activation (LISTEN_PID is this
     * process, LISTEN_FDS ≥ 1: fd 3), else inetd style (fd 0 is a listening stream socket).
     */
    public static Optional<ListeningSocket> inherited(Map<String, String> env, long selfPid) {
        String listenPid = env.get("LISTEN_PID");
        String listenFds = env.get("LISTEN_FDS");
        if (listenPid != null && listenFds != null && listenPid.strip().equals(Long.toString(selfPid))) {
            int count = Integer.parseInt(listenFds.strip());
            if (count < 1) {
                return Optional.empty();
            }
            return Optional.of(adopt(SD_LISTEN_FDS_START, Origin.SYSTEMD));
        }
        if (isListeningStreamSocket(0)) {
            return Optional.of(adopt(0, Origin.INHERITED_STDIN));
        }
        return Optional.empty();
    }

    private static ListeningSocket adopt(int fd, Origin origin) {
        if (!isListeningStreamSocket(fd)) {
            throw new IllegalStateException("fd " + fd + " handed over by " + origin + " is not a listening stream socket");
        }
        Posix.setNonBlocking(fd);
        return new ListeningSocket(fd, localAddress(fd), origin, false);
    }

    private static boolean isListeningStreamSocket(int fd) {
        try {
            return Posix.intOption(fd, Posix.SOL_SOCKET, Posix.SO_TYPE) == Posix.SOCK_STREAM
                    && Posix.intOption(fd, Posix.SOL_SOCKET, Posix.SO_ACCEPTCONN) == 1;
        } catch (OsException notASocket) {
            return false;
        }
    }

    public synchronized boolean isOpen() {
        return !closed;
    }

    public int fd() {
        return fd;
    }

    /** The address actually bound: port 0 resolved to the port the kernel chose. */
    public Address address() {
        return address;
    }

    public Origin origin() {
        return origin;
    }

    /**
     * Makes the socket this process's fd 0, so that a child started with an inherited standard
     * input gets it (the JDK closes every fd from 3 up in its children). What fd 0 was before is
     * closed, unless it was this socket's own.
     */
    public void installAsStdin() {
        if (fd != 0) {
            Posix.dup2(fd, 0);
        }
    }

    /**
     * The kernel's accept queue: connections waiting now, and its capacity. TCP_INFO on a
     * listening socket reports them as tcpi_unacked and tcpi_sacked; Unix sockets have no such
     * report, so both are -1 there, as they are once the socket is closed.
     */
    public synchronized QueueDepth queueDepth() {
        if (!(address instanceof Address.Inet) || closed) {
            return QueueDepth.UNKNOWN;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(256);
            int length = Posix.option(fd, Posix.IPPROTO_TCP, Posix.TCP_INFO, info);
            if (length < 32) {
                return QueueDepth.UNKNOWN;
            }
            return new QueueDepth(Integer.toUnsignedLong(info.get(JAVA_INT, 24)),
                    Integer.toUnsignedLong(info.get(JAVA_INT, 28)));
        }
    }

    /** Connections waiting in the kernel's queue, and the queue's size; -1 where unknown. */
    public record QueueDepth(long queued, long backlog) {
        public static final QueueDepth UNKNOWN = new QueueDepth(-1, -1);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(fd);
        if (unlinkOnClose && address instanceof Address.Unix unix) {
            try {
                Files.deleteIfExists(unix.path());
            } catch (IOException ignored) {
                // The next bind removes a stale file anyway.
            }
        }
    }

    private static void closeQuietly(int fd) {
        try {
            Posix.close(fd);
        } catch (OsException ignored) {
            // Nothing useful to do with a failed close of a socket we are giving up.
        }
    }

    // struct sockaddr_in / sockaddr_in6 / sockaddr_un: family in host order, port in network order.

    private static MemorySegment inetSockaddr(Arena arena, Address.Inet inet) {
        byte[] ip = inet.host().getAddress();
        if (ip.length == 4) {
            MemorySegment sa = arena.allocate(16);
            sa.set(JAVA_SHORT, 0, (short) Posix.AF_INET);
            sa.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) inet.port());
            MemorySegment.copy(ip, 0, sa, JAVA_BYTE, 4, 4);
            return sa;
        }
        MemorySegment sa = arena.allocate(28);
        sa.set(JAVA_SHORT, 0, (short) Posix.AF_INET6);
        sa.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) inet.port());
        MemorySegment.copy(ip, 0, sa, JAVA_BYTE, 8, 16);
        if (inet.host() instanceof java.net.Inet6Address v6) {
            sa.set(JAVA_INT, 24, v6.getScopeId());
        }
        return sa;
    }

    private static MemorySegment unixSockaddr(Arena arena, Path path) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        MemorySegment sa = arena.allocate(2 + bytes.length + 1);
        sa.set(JAVA_SHORT, 0, (short) Posix.AF_UNIX);
        MemorySegment.copy(bytes, 0, sa, JAVA_BYTE, 2, bytes.length);
        return sa;
    }

    private static Address localAddress(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(128);
            int length = Posix.getsockname(fd, sa);
            int family = sa.get(JAVA_SHORT, 0) & SHORT_MAX;
            int port = sa.get(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2) & 0xffff;
            return switch (family) {
                case Posix.AF_INET -> new Address.Inet(
                        InetAddress.getByAddress(sa.asSlice(4, 4).toArray(JAVA_BYTE)), port);
                case Posix.AF_INET6 -> new Address.Inet(
                        InetAddress.getByAddress(sa.asSlice(8, 16).toArray(JAVA_BYTE)), port);
                case Posix.AF_UNIX -> new Address.Unix(Path.of(
                        new String(sa.asSlice(2, Math.max(0, length - 2)).toArray(JAVA_BYTE), StandardCharsets.UTF_8)
                                .replace("\0", "")));
                default -> throw new IllegalStateException("unsupported address family " + family);
            };
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For the admin page: a socket address Java's networking can use, where there is one. */
    public Optional<InetSocketAddress> inetAddress() {
        return address instanceof Address.Inet inet
                ? Optional.of(new InetSocketAddress(inet.host(), inet.port()))
                : Optional.empty();
    }
}
