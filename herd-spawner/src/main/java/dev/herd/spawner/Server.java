package dev.herd.spawner;

import dev.herd.config.Address;
import dev.herd.config.Bind;
import dev.herd.config.Config;
import dev.herd.config.ConfigSource;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;
import dev.herd.os.ListeningSocket;
import dev.herd.os.OsException;
import dev.herd.os.Posix;
import dev.herd.os.ProcessLog;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.spawner.admin.AdminServer;
import dev.herd.time.MonotonicClock;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code herd serve}: acquires the address, the scoreboard and the admin endpoint, runs the
 * spawner until it stops, and releases everything again — every release is tried even when an
 * earlier one fails, and a failed start releases what it had acquired (rule 11 in CONTRIBUTING.md).
 */
public final class Server {
    private static final System.Logger LOG = System.getLogger("dev.herd.spawner");

    private Server() {
    }

    /**
     * @param config the configuration read at start
     * @param source where it came from: read again on every reload
     */
    public static ExitCode serve(Config config, ConfigSource source, PrintStream err) {
        ProcessLog.configure("spawner");
        List<AutoCloseable> acquired = new ArrayList<>();
        try {
            ListeningSocket socket;
            try {
                socket = listeningSocket(config);
            } catch (OsException e) {
                err.println("herd: cannot listen on " + config.text(Settings.BIND) + ": " + e.call() + ": " + e.reason());
                return ExitCode.CONFIG;
            } catch (IllegalArgumentException e) {
                err.println("herd: " + e.getMessage());
                return ExitCode.CONFIG;
            }
            acquired.addFirst(socket);
            LOG.log(System.Logger.Level.INFO, "listening on " + socket.address() + " ("
                    + socket.origin().name().toLowerCase(java.util.Locale.ROOT) + ", backlog "
                    + socket.queueDepth().backlog() + serves(config, 0) + ")");
            List<ListeningSocket> more = new ArrayList<>();
            List<Bind> binds = config.get(Settings.BIND);
            if (binds.size() > 1 && socket.origin() != ListeningSocket.Origin.BOUND) {
                err.println("herd: --bind " + config.text(Settings.BIND) + " names several addresses, and the OS "
                        + "handed over one socket; let herd bind them, or give one --bind");
                return ExitCode.CONFIG;
            }
            for (int i = 1; i < binds.size(); i++) {
                ListeningSocket next;
                try {
                    next = ListeningSocket.bind(binds.get(i).address(), config.get(Settings.BACKLOG));
                } catch (OsException e) {
                    err.println("herd: cannot listen on " + binds.get(i) + ": " + e.call() + ": " + e.reason());
                    return ExitCode.CONFIG;
                }
                acquired.addFirst(next);
                more.add(next);
                LOG.log(System.Logger.Level.INFO, "listening on " + next.address() + " (bound, backlog "
                        + next.queueDepth().backlog() + serves(config, i) + ")");
            }

            int slots = Spawner.slotsFor(config);
            Scoreboard scoreboard;
            try {
                scoreboard = Scoreboard.create(slots, Settings.threads(config, Runtime.getRuntime().availableProcessors()));
            } catch (OsException e) {
                err.println("herd: cannot create the scoreboard (shared memory for " + slots + " handler slots): "
                        + e.call() + ": " + e.reason());
                return ExitCode.NO_RESOURCES;
            }
            acquired.addFirst(scoreboard);
            Spawner spawner;
            try {
                // Reads the certificates and keys too: before the privileges are dropped.
                spawner = new Spawner(config, source, socket, more, scoreboard, MonotonicClock.SYSTEM);
            } catch (IllegalArgumentException e) {
                err.println("herd: " + e.getMessage());
                return ExitCode.CONFIG;
            }
            Optional<Address.Inet> adminAddress = config.get(Settings.ADMIN);
            if (adminAddress.isPresent()) {
                Address.Inet a = adminAddress.get();
                AdminServer admin = AdminServer.start(new InetSocketAddress(a.host(), a.port()), spawner,
                        MonotonicClock.SYSTEM, config.get(Settings.ADMIN_TOKEN).map(t -> t.read(System.getenv())));
                acquired.addFirst(admin);
                Address.Inet bound = new Address.Inet(admin.address().getAddress(), admin.address().getPort());
                LOG.log(System.Logger.Level.INFO, "admin on {0}{1}", bound,
                        config.get(Settings.ADMIN_TOKEN).isPresent() ? " (token required)" : "");
            }
            try {
                dropPrivileges(config).ifPresent(line -> LOG.log(System.Logger.Level.INFO, line));
            } catch (IllegalArgumentException | OsException e) {
                err.println("herd: " + (e instanceof OsException os ? "cannot drop privileges: " + os.call() + ": "
                        + os.reason() : e.getMessage()));
                return ExitCode.CONFIG;
            }
            spawner.installSignalHandlers();
            return spawner.run();
        } catch (java.net.BindException e) {
            err.println("herd: cannot bind the admin address " + config.text(Settings.ADMIN) + ": " + e.getMessage()
                    + " (use --admin HOST:PORT or --admin off)");
            return ExitCode.CONFIG;
        } catch (IOException | RuntimeException e) {
            err.println("herd: " + e);
            return ExitCode.FAILURE;
        } finally {
            closeAll(acquired);
        }
    }

    /**
     * {@code --user} and {@code --group}: once the addresses are bound (a port below 1024 needs
     * root), the spawner becomes that user, and so do the handlers it starts. Nothing to do if it
     * already is; refused if it is not root.
     */
    private static Optional<String> dropPrivileges(Config config) {
        Optional<String> userText = config.get(Settings.USER);
        Optional<String> groupText = config.get(Settings.GROUP);
        if (userText.isEmpty() && groupText.isEmpty()) {
            return Optional.empty();
        }
        Posix.User user = userText.map(Server::user).orElse(null);
        int uid = user != null ? user.uid() : Posix.geteuid();
        int gid = groupText.map(Server::group).orElse(user != null ? user.gid() : -1);
        if (gid < 0) {
            throw new IllegalArgumentException("--group " + groupText.orElse("") + ": no such group");
        }
        if (Posix.geteuid() != 0) {
            if (Posix.geteuid() == uid && groupText.isEmpty()) {
                return Optional.empty();
            }
            throw new IllegalArgumentException("--user and --group need herd to start as root (it runs as uid "
                    + Posix.geteuid() + "); leave them out, or start it as root");
        }
        Posix.dropTo(uid, gid, user != null && !isNumber(user.name()) ? user.name() : null);
        return Optional.of("running as uid " + uid + (user != null ? " (" + user.name() + ")" : "") + ", gid " + gid
                + " from here on; the addresses were bound as root");
    }

    private static Posix.User user(String text) {
        if (isNumber(text)) {
            int uid = Integer.parseInt(text);
            return new Posix.User(text, uid, uid);
        }
        return Posix.user(text).orElseThrow(() -> new IllegalArgumentException("--user " + text + ": no such user"));
    }

    private static int group(String text) {
        if (isNumber(text)) {
            return Integer.parseInt(text);
        }
        return Posix.group(text).orElseThrow(() -> new IllegalArgumentException("--group " + text + ": no such group"));
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() < 10;
    }

    private static ListeningSocket listeningSocket(Config config) {
        Optional<ListeningSocket> handed = ListeningSocket.inherited(System.getenv(), ProcessHandle.current().pid());
        if (handed.isPresent()) {
            if (config.isSet(Settings.BIND)) {
                LOG.log(System.Logger.Level.WARNING, "--bind {0} ignored: the OS handed over a listening socket",
                        config.text(Settings.BIND));
            }
            ListeningSocket socket = handed.get();
            if (config.get(Settings.ACCEPT) == Settings.Accept.REUSEPORT
                    && (socket.origin() != ListeningSocket.Origin.SYSTEMD || !socket.reusesPort())) {
                socket.close();
                throw new IllegalArgumentException("--accept reuseport: the socket the OS handed over ("
                        + socket.origin().name().toLowerCase(java.util.Locale.ROOT) + ") was not made with "
                        + "SO_REUSEPORT (systemd: ReusePort=yes), so no other socket can join it; let herd bind "
                        + "the address, or use --accept herd");
            }
            return socket;
        }
        if (config.get(Settings.ACCEPT) == Settings.Accept.REUSEPORT) {
            return ListeningSocket.bindReusingPort((Address.Inet) Settings.address(config), config.get(Settings.BACKLOG));
        }
        return ListeningSocket.bind(Settings.address(config), config.get(Settings.BACKLOG));
    }

    /** What the {@code index}th address serves, for its log line, when there are certificates. */
    private static String serves(Config config, int index) {
        List<Bind> binds = config.get(Settings.BIND);
        if (config.get(Settings.TLS_CERT).isEmpty() || index >= binds.size()) {
            return "";
        }
        Bind bind = binds.get(index);
        return Settings.tls(config, bind) ? ", TLS"
                : config.get(Settings.TLS_REDIRECT) ? ", cleartext, redirecting to https" : ", cleartext";
    }

    private static void closeAll(List<AutoCloseable> resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cleanup failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "cleanup after stop failed", failure);
        }
    }
}
