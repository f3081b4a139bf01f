package dev.herd.config;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a handler process is started with: the serving settings it shares with the spawner's
 * command line, and the settings only the spawner gives (its slot, generation, where the
 * scoreboard is). Handed over as {@code name=value} arguments; the handler parses them with these
 * same declarations.
 */
public final class HandlerSettings {
    private HandlerSettings() {
    }

    public static final Setting<Integer> SLOT = Setting.integer("slot", "0", 0, 65535,
            "Scoreboard slot of this handler.");

    public static final Setting<Integer> GENERATION = Setting.integer("generation", "1", 1, Integer.MAX_VALUE,
            "Generation of this handler: it grows with every reload.");

    public static final Setting<String> SCOREBOARD = Setting.text("scoreboard", "PATH", "none",
            "File of the shared-memory scoreboard.");

    public static final Setting<Long> SPAWNER_PID = new Setting<>("spawner-pid", "PID", "1",
            "Pid of the spawner; a handler whose parent is another process exits.", Long::parseLong);

    public static final Setting<Duration> HEARTBEAT = Setting.duration("heartbeat", "1s",
            "How often each event loop stamps its heartbeat.");

    public static final Setting<Boolean> STANDBY = new Setting<>("standby", "true|false", "false",
            "Boot without watching the socket; SIGUSR1 activates.", HandlerSettings::bool);

    public static final Setting<Long> SPAWNED = new Setting<>("spawned", "NANOS", "0",
            "The spawner's System.nanoTime() when it started this handler (the same monotonic clock): the handler "
                    + "says how long its boot took.", Long::parseLong);

    public static final Setting<String> TLS = Setting.text("tls", "PATH", "none",
            "Shared memory with the certificates and keys of this handler's generation; none: no TLS.");

    public static final Setting<String> TLS_TICKETS = Setting.text("tls-tickets", "PATH", "none",
            "Shared memory with the pool's session-ticket keys, which the spawner rotates.");

    public static final Setting<String> LISTENERS = Setting.text("listeners", "FD:KIND,...", "0:default",
            "The listening sockets and what each serves: 0 is standard input, 3 and up more sockets; tls, "
                    + "plain, redirect:PORT (to https on PORT), or default (tls if there are certificates).");

    /** Settings of {@code herd serve} that a handler needs as well. */
    public static final List<Setting<?>> FORWARDED = List.of(Settings.TRANSPORT, Settings.ACCEPT, Settings.CPU_AFFINITY,
            Settings.MAX_CONNECTIONS,
            Settings.MAX_BODY,
            Settings.MAX_INITIAL_LINE, Settings.MAX_HEADER_SIZE, Settings.MAX_HEADERS, Settings.ACCESS_LOG,
            Settings.ACCESS_LOG_FORMAT, Settings.HEADER_TIMEOUT, Settings.BODY_TIMEOUT, Settings.BODY_MIN_RATE,
            Settings.REQUEST_BUFFERING, Settings.REQUEST_BUFFER_MEMORY,
            Settings.KEEPALIVE_TIMEOUT,
            Settings.KEEPALIVE_REQUESTS, Settings.MAX_CONNECTION_AGE,
            Settings.GRACEFUL_TIMEOUT, Settings.WARMUP, Settings.WARMUP_TIME, Settings.APP, Settings.CLASSPATH, Settings.MAIN, Settings.STATIC,
            Settings.STATIC_INDEX, Settings.STATIC_LISTING, Settings.PROTOCOL,
            Settings.HTTP2, Settings.H2C, Settings.H2_MAX_STREAMS, Settings.TLS_TICKET_ROTATION);

    public static final List<Setting<?>> ALL = Stream.concat(
            Stream.of(SLOT, GENERATION, SCOREBOARD, SPAWNER_PID, HEARTBEAT, STANDBY, SPAWNED, TLS, TLS_TICKETS, LISTENERS), FORWARDED.stream()).toList();

    private static boolean bool(String text) {
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }
}
