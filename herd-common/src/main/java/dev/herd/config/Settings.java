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
            "Number of handler processes with --scaling static; giving --handlers alone selects static.");

    public static final Setting<Scaling> SCALING = new Setting<>("scaling", "static|spare|adaptive", "adaptive",
            "How the pool size is chosen: exactly --handlers, between --min-spare and --max-spare idle handlers, "
                    + "or from the accept queue and busy loops.", Scaling::parse);

    public static final Setting<Integer> MIN_HANDLERS = Setting.integer("min-handlers", "1", 1, 512,
            "Fewest handlers spare and adaptive scaling keep.");

    public static final Setting<Integer> MAX_HANDLERS = Setting.integer("max-handlers",
            String.valueOf(Math.min(512, 2 * Runtime.getRuntime().availableProcessors())), 1, 512,
            "Most handlers spare and adaptive scaling start (default: 2 x CPUs).");

    public static final Setting<Integer> MIN_SPARE = Setting.integer("min-spare", "1", 0, 512,
            "With --scaling spare: fewest idle handlers.");

    public static final Setting<Integer> MAX_SPARE = Setting.integer("max-spare", "2", 0, 512,
            "With --scaling spare: most idle handlers.");

    public static final Setting<Duration> IDLE_TIMEOUT = Setting.duration("idle-timeout", "10s",
            "How long a surplus of handlers must last before one is retired.");

    public static final Setting<Integer> MAX_SPAWN_RATE = Setting.integer("max-spawn-rate", "8", 1, 512,
            "Most handlers added in one tick; growth doubles per tick (1, 2, 4, ...) up to this.");

    public static final Setting<Duration> SCALE_INTERVAL = Setting.duration("scale-interval", "1s",
            "How often the scaling policy looks at the pool.");

    public static final Setting<Integer> STANDBY = Setting.integer("standby", "0", 0, 64,
            "Handlers kept booted but not accepting, activated in milliseconds when the pool grows.");

    public static final Setting<Long> MAX_REQUESTS = new Setting<>("max-requests", "N|off", "off",
            "Retire a handler (replacement first, then a graceful drain) after this many requests.",
            text -> text.strip().equalsIgnoreCase("off") ? 0L : (long) Values.integer(text, 1, Integer.MAX_VALUE));

    public static final Setting<Integer> MAX_REQUESTS_JITTER = Setting.integer("max-requests-jitter", "0", 0,
            Integer.MAX_VALUE, "Adds 0..N at random to each handler's --max-requests, so handlers do not retire together.");

    public static final Setting<Long> MAX_RSS = new Setting<>("max-rss", "SIZE|off", "off",
            "Retire a handler (replacement first, then a graceful drain) once its resident memory exceeds this.",
            text -> text.strip().equalsIgnoreCase("off") ? 0L : Values.size(text));

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

    public static final Setting<Long> KEEPALIVE_REQUESTS = new Setting<>("keepalive-requests", "N|off", "1000",
            "Requests served on one keep-alive connection before it is answered with Connection: close (as nginx).",
            text -> text.strip().equalsIgnoreCase("off") ? 0L : (long) Values.integer(text, 1, Integer.MAX_VALUE));

    public static final Setting<Duration> MAX_CONNECTION_AGE = new Setting<>("max-connection-age", "DURATION|off", "off",
            "A keep-alive connection older than this is answered with Connection: close on its next response.",
            text -> text.strip().equalsIgnoreCase("off") ? Duration.ZERO : Values.duration(text));

    public static final Setting<String> APP = Setting.text("app", "NAME|CLASS", "demo",
            "The application: a built-in one (demo), or a class of --classpath implementing the herd API "
                    + "(dev.herd.api: HttpApp, AsyncHttpApp, TcpApp or AsyncTcpApp).");

    public static final Setting<List<String>> CLASSPATH = new Setting<>("classpath", "PATHS", "",
            "Where the application's classes are: jars and directories separated by ':', DIR/* for every jar "
                    + "in DIR. Loaded in a class loader of their own in every handler.", Settings::classPath);

    public static final Setting<Optional<String>> MAIN = new Setting<>("main", "CLASS", "",
            "Run an unmodified JDK HttpServer program: its main(String[]) runs in every handler, and "
                    + "HttpServer.create(...) serves on herd's socket. Program arguments follow '--'.",
            text -> text.isBlank() ? Optional.empty() : Optional.of(className(text)));

    public static final Setting<Optional<StaticMount>> STATIC = new Setting<>("static", "[/PREFIX=]DIR", "",
            "Serve the files of DIR: alone, or under /PREFIX beside the application.",
            text -> text.isBlank() ? Optional.empty() : Optional.of(StaticMount.parse(text)));

    public static final Setting<Optional<String>> STATIC_INDEX = new Setting<>("static-index", "NAME|off",
            "index.html", "With --static: the file answered for a directory, or off.",
            text -> text.strip().equalsIgnoreCase("off") ? Optional.empty() : Optional.of(fileName(text)));

    public static final Setting<Boolean> STATIC_LISTING = new Setting<>("static-listing", "on|off", "off",
            "With --static: list a directory that has no index file (else 403).", Settings::onOff);

    public static final Setting<Protocol> PROTOCOL = new Setting<>("protocol", "http|tcp", "http",
            "What handlers speak on the socket: HTTP/1.1, or raw TCP to a TcpApp or AsyncTcpApp.", Protocol::parse);

    /** The options of {@code herd serve}, in help order. */
    public static final List<Setting<?>> SERVE = List.of(BIND, BACKLOG, HANDLERS, SCALING, MIN_HANDLERS, MAX_HANDLERS,
            MIN_SPARE, MAX_SPARE, IDLE_TIMEOUT, MAX_SPAWN_RATE, SCALE_INTERVAL, STANDBY, MAX_REQUESTS,
            MAX_REQUESTS_JITTER, MAX_RSS, THREADS, ADMIN, TIMEOUT,
            BOOT_TIMEOUT, GRACEFUL_TIMEOUT, MAX_BOOT_FAILURES, HANDLER_JVM_OPTS, MAX_BODY, MAX_INITIAL_LINE,
            MAX_HEADER_SIZE, KEEPALIVE_TIMEOUT, KEEPALIVE_REQUESTS, MAX_CONNECTION_AGE, APP, CLASSPATH, MAIN, STATIC, STATIC_INDEX, STATIC_LISTING,
            PROTOCOL);

    /** The pool-size policies of {@code --scaling}. */
    public enum Scaling {
        STATIC, SPARE, ADAPTIVE;

        static Scaling parse(String text) {
            for (Scaling s : values()) {
                if (s.name().equalsIgnoreCase(text.strip())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("expected static, spare or adaptive");
        }
    }

    /** What handlers speak on the socket: {@code --protocol}. */
    public enum Protocol {
        HTTP, TCP;

        static Protocol parse(String text) {
            for (Protocol p : values()) {
                if (p.name().equalsIgnoreCase(text.strip())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("expected http or tcp");
        }
    }

    /**
     * The policy in force: {@code --scaling} as given; without it, static when {@code --handlers}
     * is given (so that existing command lines keep their meaning), else the default.
     */
    public static Scaling scaling(Config config) {
        if (!config.isSet(SCALING) && config.isSet(HANDLERS)) {
            return Scaling.STATIC;
        }
        return config.get(SCALING);
    }

    /**
     * Cross-setting checks that no single setting can make.
     *
     * @throws IllegalArgumentException naming the options involved
     */
    public static void validate(Config config) {
        if (config.get(MIN_HANDLERS) > config.get(MAX_HANDLERS)) {
            throw new IllegalArgumentException("--min-handlers (" + config.get(MIN_HANDLERS)
                    + ") must not exceed --max-handlers (" + config.get(MAX_HANDLERS) + ")");
        }
        if (config.get(MIN_SPARE) > config.get(MAX_SPARE)) {
            throw new IllegalArgumentException("--min-spare (" + config.get(MIN_SPARE)
                    + ") must not exceed --max-spare (" + config.get(MAX_SPARE) + ")");
        }
        validateApplication(config);
    }

    /** Which application forms go together, and whether the files they name are there. */
    private static void validateApplication(Config config) {
        boolean main = config.get(MAIN).isPresent();
        if (main && config.isSet(APP)) {
            throw new IllegalArgumentException("give either --app or --main, not both");
        }
        if (config.get(PROTOCOL) == Protocol.TCP) {
            if (main || config.get(STATIC).isPresent()) {
                throw new IllegalArgumentException("--protocol tcp serves a TcpApp or AsyncTcpApp given with --app; "
                        + (main ? "--main" : "--static") + " needs --protocol http");
            }
            if (!config.isSet(APP)) {
                throw new IllegalArgumentException("--protocol tcp needs --app CLASS (a TcpApp or AsyncTcpApp)");
            }
        }
        boolean builtIn = BUILT_IN_APPS.contains(config.get(APP));
        if (!builtIn && !main && config.get(CLASSPATH).isEmpty()) {
            throw new IllegalArgumentException("--app " + config.get(APP) + " is not a built-in application ("
                    + String.join(", ", BUILT_IN_APPS) + "): give --classpath with its jar");
        }
        if (main && config.get(CLASSPATH).isEmpty()) {
            throw new IllegalArgumentException("--main needs --classpath with the program's jar");
        }
        for (String entry : config.get(CLASSPATH)) {
            java.nio.file.Path path = java.nio.file.Path.of(entry.endsWith("/*") || entry.equals("*")
                    ? entry.substring(0, entry.length() - 1) + "." : entry);
            if (!java.nio.file.Files.isReadable(path)) {
                throw new IllegalArgumentException("invalid value for --classpath: '" + entry
                        + "' is not a readable jar or directory");
            }
        }
        if (config.get(STATIC).map(m -> m.prefix().isEmpty()).orElse(false) && (config.isSet(APP) || main)) {
            throw new IllegalArgumentException("--static " + config.get(STATIC).get().dir() + " would answer every path,"
                    + " leaving the application none: mount the files under a prefix, e.g. --static /assets="
                    + config.get(STATIC).get().dir());
        }
        config.get(STATIC).ifPresent(mount -> {
            if (!java.nio.file.Files.isDirectory(mount.dir())) {
                throw new IllegalArgumentException("invalid value for --static: '" + mount.dir() + "' is not a directory");
            }
        });
    }

    /** The applications herd carries itself, for {@code --app NAME}. */
    public static final List<String> BUILT_IN_APPS = List.of("demo");

    /**
     * Whether the built-in demo answers: it is the default application, unless {@code --static}
     * or {@code --main} is given without {@code --app}.
     */
    public static boolean servesApp(Config config) {
        return config.isSet(APP) || (config.get(STATIC).isEmpty() && config.get(MAIN).isEmpty());
    }

    private static List<String> classPath(String text) {
        return java.util.Arrays.stream(text.split(java.io.File.pathSeparator))
                .map(String::strip)
                .filter(e -> !e.isEmpty())
                .toList();
    }

    private static String className(String text) {
        String name = text.strip();
        if (!name.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*")) {
            throw new IllegalArgumentException("expected a fully qualified class name, e.g. com.example.Main");
        }
        return name;
    }

    private static String fileName(String text) {
        String name = text.strip();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("expected a file name such as index.html, or off");
        }
        return name;
    }

    private static boolean onOff(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("expected on or off");
        };
    }

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
