package dev.herd.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of {@code herd serve}, declared once. Order here is the order in {@code --help}.
 */
public final class Settings {
    private Settings() {
    }

    public static final Setting<Address> BIND = new Setting<>("bind", "ADDR", "127.0.0.1:8080",
            "Address to listen on: HOST:PORT, [IPv6]:PORT or unix:/path. Ignored when the OS hands "
                    + "over a socket (systemd LISTEN_FDS, or a listening socket as standard input).",
            Address::parse);

    public static final Setting<Integer> BACKLOG = Setting.integer("backlog", "2048", 1, 65535,
            "Size of the kernel's accept queue (capped by net.core.somaxconn).");

    public static final Setting<Integer> HANDLERS = Setting.integer("handlers", "2", 1, 512,
            "Number of handler processes.");

    public static final Setting<Integer> THREADS = Setting.integer("threads", "2", 1, 64,
            "Event-loop threads per handler; each accepts and serves on its own.");

    public static final Setting<Optional<Address.Inet>> ADMIN = new Setting<>("admin", "ADDR|off", "127.0.0.1:8081",
            "Address of the status and control endpoints (HOST:PORT), or off.", Settings::adminAddress);

    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "30s",
            "A handler whose event loop has not reported for this long is dumped (SIGQUIT), killed and replaced.");

    public static final Setting<Duration> BOOT_TIMEOUT = Setting.duration("boot-timeout", "60s",
            "A handler not ready this long after its spawn counts as a failed boot and is killed.");

    public static final Setting<Duration> GRACEFUL_TIMEOUT = Setting.duration("graceful-timeout", "30s",
            "On stop, how long handlers may finish in-flight requests before they are killed.");

    public static final Setting<Integer> MAX_BOOT_FAILURES = Setting.integer("max-boot-failures", "5", 1, 1000,
            "Handler boot failures in a row after which the spawner gives up (exit code 3).");

    public static final Setting<String> HANDLER_JVM_OPTS = Setting.text("handler-jvm-opts", "OPTS",
            "-Xms16m -Xmx64m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=32m -XX:-UsePerfData"
                    + " -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0",
            "JVM options of every handler process, replacing the defaults (--enable-native-access is always added).");

    public static final Setting<Long> MAX_BODY = Setting.size("max-body", "1m",
            "Largest request body; a larger one gets 413.");

    public static final Setting<Long> MAX_INITIAL_LINE = Setting.size("max-initial-line", "8k",
            "Longest request line; a longer one gets 414.");

    public static final Setting<Long> MAX_HEADER_SIZE = Setting.size("max-header-size", "16k",
            "Largest request header block; a larger one gets 431.");

    public static final Setting<Duration> KEEPALIVE_TIMEOUT = Setting.duration("keepalive-timeout", "15s",
            "An idle keep-alive connection is closed after this long.");

    /** The options of {@code herd serve}, in help order. */
    public static final List<Setting<?>> SERVE = List.of(BIND, BACKLOG, HANDLERS, THREADS, ADMIN, TIMEOUT,
            BOOT_TIMEOUT, GRACEFUL_TIMEOUT, MAX_BOOT_FAILURES, HANDLER_JVM_OPTS, MAX_BODY, MAX_INITIAL_LINE,
            MAX_HEADER_SIZE, KEEPALIVE_TIMEOUT);

    private static Optional<Address.Inet> adminAddress(String text) {
        if (text.strip().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        Address address;
        try {
            address = Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected HOST:PORT, [IPv6]:PORT or off");
        }
        if (address instanceof Address.Inet inet) {
            return Optional.of(inet);
        }
        throw new IllegalArgumentException("the admin address must be HOST:PORT, [IPv6]:PORT or off");
    }
}
