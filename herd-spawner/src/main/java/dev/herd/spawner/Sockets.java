package dev.herd.spawner;

import dev.herd.config.Address;
import dev.herd.os.ListeningSocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The listening sockets handlers accept from. Usually one, the address's, which every handler
 * shares. With {@code --accept reuseport}, a group of SO_REUSEPORT sockets on the address, one for
 * each handler that carries load, the kernel hashing each new connection to one of them. The
 * spawner holds every socket of the group open: a handler that dies, retires or is replaced by a
 * reload leaves its socket, and the connections queued on it, to its successor. A socket closes
 * only when the pool shrinks; the kernel then resets what is queued on it, unless
 * {@code net.ipv4.tcp_migrate_req} moves it to the group's other sockets.
 *
 * <p>Used on the spawner thread, except {@link #queueDepth}, which the admin endpoints read too.
 */
final class Sockets implements AutoCloseable {
    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    /** One socket of the group: its number, for the log, and the socket. */
    record Member(int number, ListeningSocket socket) {
    }

    private final ListeningSocket first;
    private final boolean reusePort;
    private final int backlog;
    /** The open sockets: the first alone when shared; copied on write for the admin thread. */
    private volatile List<Member> group;

    private Sockets(ListeningSocket first, boolean reusePort, int backlog) {
        this.first = first;
        this.reusePort = reusePort;
        this.backlog = backlog;
        this.group = List.of(new Member(0, first));
    }

    /** The one socket every handler shares. */
    static Sockets shared(ListeningSocket socket) {
        return new Sockets(socket, false, 0);
    }

    /**
     * A socket per handler: {@code first}, bound with SO_REUSEPORT, and as many more on its
     * address as the handlers need, each with an accept queue of {@code backlog}.
     *
     * @throws IllegalArgumentException if {@code first} is not a TCP socket that reuses its port
     */
    static Sockets reusePort(ListeningSocket first, int backlog) {
        if (!(first.address() instanceof Address.Inet) || !first.reusesPort()) {
            throw new IllegalArgumentException(first.address() + " is not a TCP socket bound with SO_REUSEPORT");
        }
        return new Sockets(first, true, backlog);
    }

    /** The address handlers serve, as bound. */
    ListeningSocket first() {
        return first;
    }

    boolean reusesPort() {
        return reusePort;
    }

    /**
     * The socket to give a new handler of {@code generation}: the shared one; or a socket of the
     * group that none of that generation's handlers holds (a dead handler's, a retiring one's, the
     * one a handler of the generation before serves), else a new one that joins the group.
     *
     * @param pool every handler there is
     */
    Member forNewHandler(Generation generation, Collection<HandlerHandle> pool) {
        for (Member m : group) {
            if (!reusePort || pool.stream().noneMatch(h -> h.socket() == m.socket() && h.generation() == generation
                    && h.holdsSocket())) {
                return m;
            }
        }
        int number = 0;
        while (number(number).isPresent()) {
            number++;
        }
        Member joined = new Member(number, ListeningSocket.bindReusingPort((Address.Inet) first.address(), backlog));
        List<Member> grown = new ArrayList<>(group);
        grown.add(joined);
        grown.sort(java.util.Comparator.comparingInt(Member::number));
        group = List.copyOf(grown);
        return joined;
    }

    private Optional<Member> number(int number) {
        return group.stream().filter(m -> m.number() == number).findFirst();
    }

    /**
     * Closes the sockets of the group, beyond {@code target}, that no handler uses any more (the
     * pool shrank, or a reload made it smaller): a socket nobody accepts from would hold its share
     * of the connections for ever.
     *
     * @return one line per socket closed, for the log
     */
    List<String> closeSurplus(Collection<HandlerHandle> pool, int target) {
        if (!reusePort) {
            return List.of();
        }
        List<String> closed = new ArrayList<>();
        List<Member> kept = new ArrayList<>(group);
        for (int i = kept.size() - 1; i >= 0 && kept.size() > target; i--) {
            Member m = kept.get(i);
            if (pool.stream().noneMatch(h -> h.socket() == m.socket() && !h.terminating())) {
                kept.remove(i);
                m.socket().close();
                closed.add("closed socket " + m.number() + " of the SO_REUSEPORT group: the pool shrank to " + target
                        + "; " + migration());
            }
        }
        group = List.copyOf(kept);
        return closed;
    }

    /** What the kernel does with connections queued on a socket of the group that closes. */
    private static String migration() {
        try {
            if (Files.readString(MIGRATE_REQ).strip().equals("1")) {
                return "connections queued on it move to the others (net.ipv4.tcp_migrate_req = 1)";
            }
        } catch (IOException | RuntimeException unknown) {
            // An older kernel: no migration.
        }
        return "the kernel resets connections still queued on it (net.ipv4.tcp_migrate_req = 0)";
    }

    /** The accept queues of every open socket, added up. */
    ListeningSocket.QueueDepth queueDepth() {
        long queued = -1;
        long backlogs = -1;
        for (Member m : group) {
            // Unknown for a Unix socket, and for one this thread closed since the group was read.
            ListeningSocket.QueueDepth depth = m.socket().queueDepth();
            if (depth.queued() >= 0) {
                queued = Math.max(queued, 0) + depth.queued();
                backlogs = Math.max(backlogs, 0) + depth.backlog();
            }
        }
        return new ListeningSocket.QueueDepth(queued, backlogs);
    }

    /** Closes the sockets this class opened; the first one is its owner's to close. */
    @Override
    public void close() {
        for (Member m : group) {
            if (m.socket() != first) {
                m.socket().close();
            }
        }
    }
}
