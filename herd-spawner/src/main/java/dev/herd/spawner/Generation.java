package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.Settings;
import dev.herd.os.ListeningSocket;
import dev.herd.tls.TlsMaterial;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the handlers of one generation are started with: the configuration read at start or at a
 * reload, and the command line made from it. A reload makes a new generation; until it is ready
 * to carry the pool, the previous one keeps serving with its own settings.
 *
 * @param number  1 at start, then one more for every reload
 * @param config  the configuration its handlers were started with
 * @param command their command line
 * @param tls     their certificates and keys, in memory they read as they boot
 */
record Generation(int number, Config config, HandlerCommand command, Optional<TlsMaterial> tls) {

    /**
     * @param sockets the listening sockets its handlers get
     * @throws IllegalArgumentException if a certificate or key {@code config} names cannot be used
     */
    static Generation of(int number, Config config, Path scoreboard, TlsShares shares, long nowNanos,
                         List<ListeningSocket> sockets) {
        Optional<TlsMaterial> tls = shares.load(config, nowNanos);
        List<String> arguments = new ArrayList<>(shares.arguments(tls));
        arguments.add(Listeners.argument(config, sockets));
        return new Generation(number, config,
                HandlerCommand.of(config, scoreboard, heartbeatFor(config.get(Settings.TIMEOUT)))
                        .withArguments(arguments), tls);
    }

    /** Its handlers are gone and none will start: the memory that held its keys is given back. */
    void retire() {
        tls.ifPresent(TlsMaterial::close);
    }

    /** Each loop stamps a few times per timeout, so one late stamp is never mistaken for a hang. */
    static Duration heartbeatFor(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        Duration min = Duration.ofMillis(50);
        Duration max = Duration.ofSeconds(1);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }

    /** The deadlines of a handler of this generation, by phase. */
    Deadlines deadlines() {
        return new Deadlines(config.get(Settings.BOOT_TIMEOUT), config.get(Settings.TIMEOUT),
                config.get(Settings.GRACEFUL_TIMEOUT));
    }

    /** The most handlers the pool may be asked to run, by a policy or by hand. */
    int maxTarget() {
        return maxTargetFor(config);
    }

    static int maxTargetFor(Config config) {
        return Math.max(config.get(Settings.HANDLERS), config.get(Settings.MAX_HANDLERS));
    }

    /**
     * How long a handler may take in each phase before the spawner escalates.
     *
     * @param boot      from spawn to ready; then a thread dump, then SIGKILL, and it counts as a failed boot
     * @param heartbeat the oldest loop heartbeat of a booted handler; then a thread dump, then SIGKILL
     * @param drain     from SIGTERM to exit, minus {@link #EXIT_GRACE}: the handler's own graceful timeout
     */
    record Deadlines(Duration boot, Duration heartbeat, Duration drain) {
        /** Between the thread dump (SIGQUIT) of a hung handler and its SIGKILL. */
        static final Duration DUMP_GRACE = Duration.ofSeconds(1);
        /**
         * A draining handler closes what is left at its graceful timeout and then exits; this is how
         * long it gets for that exit before SIGKILL.
         */
        static final Duration EXIT_GRACE = Duration.ofSeconds(2);

        Duration termToKill() {
            return drain.plus(EXIT_GRACE);
        }
    }
}
