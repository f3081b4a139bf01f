package dev.herd.config;

import dev.herd.config.Setting.Kind;
import dev.herd.config.Setting.Section;
import dev.herd.os.JvmArgs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of {@code herd serve}, declared once. Order here is the order in {@code --help}.
 */
public final class Settings {
    private Settings() {
    }

    public static final Setting<Optional<Path>> CONFIG = Setting.optional("config", "FILE",
            "A TOML file of settings, keyed by the options' long names (max-handlers = 4, graceful-timeout = "
                    + "\"30s\", classpath = [\"app.jar\", \"lib/*\"]). The command line wins over the environment "
                    + "(HERD_ and the name: HERD_MAX_HANDLERS=4), which wins over the file. Read again on every reload.",
            text -> Path.of(text.strip())).in(Section.CONFIGURATION).needsRestart();

    public static final Setting<List<Bind>> BIND = new Setting<>("bind", "ADDR", "127.0.0.1:8080",
            "Address to listen on: HOST:PORT, [IPv6]:PORT or unix:/path; https:// before it for TLS, http:// for "
                    + "cleartext (a bare address is TLS when --tls-cert is given). Repeat it to listen on several "
                    + "(--transport epoll). Ignored when the OS hands over a socket (systemd LISTEN_FDS, or a "
                    + "listening socket as standard input), which then must be the only address.",
            Bind::parseAll).in(Section.ADDRESS).ofKind(Kind.WORD_LIST).needsRestart();

    public static final Setting<Integer> BACKLOG = Setting.integer("backlog", "2048", 1, 65535,
            "Size of the kernel's accept queue (capped by net.core.somaxconn).")
            .in(Section.ADDRESS).needsRestart();

    public static final Setting<Optional<Address.Inet>> ADMIN = new Setting<>("admin", "ADDR|off", "127.0.0.1:8081",
            "Address of the status and control endpoints (HOST:PORT), or off.", Settings::adminAddress)
            .in(Section.ADDRESS).needsRestart();

    public static final Setting<Optional<AdminToken>> ADMIN_TOKEN = Setting.optional("admin-token", "file:PATH|env:NAME",
            "Secret of the admin endpoints, read from a file or an environment variable, never given on the command "
                    + "line: every admin request must carry it (Authorization: Bearer TOKEN, or Basic with it as the "
                    + "password), else 401. Needed for an --admin address other than loopback.", AdminToken::parse)
            .in(Section.ADDRESS).needsRestart();

    public static final Setting<Optional<String>> USER = Setting.optional("user", "NAME|UID",
            "Started as root: the user the spawner and its handlers run as once the addresses are bound "
                    + "(with that user's groups, and its primary group unless --group).", String::strip)
            .in(Section.ADDRESS).needsRestart();

    public static final Setting<Optional<String>> GROUP = Setting.optional("group", "NAME|GID",
            "Started as root: the group they run as once the addresses are bound (default: --user's primary group).",
            String::strip).in(Section.ADDRESS).needsRestart();

    public static final Setting<Integer> HANDLERS = Setting.integer("handlers", "2", 1, 512,
            "Number of handler processes with --scaling static; giving --handlers alone selects static, "
                    + "so that older command lines keep their meaning.").in(Section.POOL);

    public static final Setting<Scaling> SCALING = Setting.choice("scaling", Scaling.class, "adaptive",
            "How the pool size is chosen: exactly --handlers, between --min-spare and --max-spare idle handlers, "
                    + "or from the accept queue and busy loops.").in(Section.POOL);

    public static final Setting<Integer> MIN_HANDLERS = Setting.integer("min-handlers", "1", 1, 512,
            "Fewest handlers spare and adaptive scaling keep.").in(Section.POOL);

    public static final Setting<Integer> MAX_HANDLERS = Setting.integer("max-handlers",
            String.valueOf(Math.min(512, 2 * Runtime.getRuntime().availableProcessors())), 1, 512,
            "Most handlers spare and adaptive scaling start (default: 2 x CPUs).")
            .in(Section.POOL).documentedDefault("2 × CPUs");

    public static final Setting<Integer> MIN_SPARE = Setting.integer("min-spare", "1", 0, 512,
            "With --scaling spare: fewest idle handlers.").in(Section.POOL);

    public static final Setting<Integer> MAX_SPARE = Setting.integer("max-spare", "2", 0, 512,
            "With --scaling spare: most idle handlers.").in(Section.POOL);

    public static final Setting<Duration> IDLE_TIMEOUT = Setting.duration("idle-timeout", "10s",
            "How long a surplus of handlers must last before one is retired.").in(Section.POOL);

    public static final Setting<Integer> MAX_SPAWN_RATE = Setting.integer("max-spawn-rate", "8", 1, 512,
            "Most handlers added in one tick; growth doubles per tick (1, 2, 4, ...) up to this.").in(Section.POOL);

    public static final Setting<Duration> SCALE_INTERVAL = Setting.duration("scale-interval", "1s",
            "How often the scaling policy looks at the pool.").in(Section.POOL);

    public static final Setting<Integer> STANDBY = Setting.integer("standby", "0", 0, 64,
            "Handlers kept booted and warm but not accepting, activated in milliseconds when the pool grows.")
            .in(Section.POOL);

    /** {@code --threads auto} reads as this; {@link #threads} says how many that is. */
    public static final int AUTO_THREADS = 0;

    public static final Setting<Integer> THREADS = new Setting<>("threads", "N|auto", "auto",
            "Event-loop threads per handler; each accepts and serves on its own. auto: one loop per CPU over "
                    + "the pool, as nginx's workers: CPUs / --handlers with static scaling (at least 1), else 1 "
                    + "(the pool grows to the CPUs).",
            text -> text.strip().equalsIgnoreCase("auto") ? AUTO_THREADS : Values.integerOr(text, 1, 64, "auto"))
            // The scoreboard's layout has a place per thread, fixed when the spawner creates it.
            .ofKind(Setting.Kind.NUMBER).in(Section.HANDLERS).needsRestart();

    public static final Setting<Transport> TRANSPORT = Setting.choice("transport", Transport.class, "epoll",
            "The event loops' I/O: Netty's native epoll (Linux on x86-64 and aarch64; fewer system calls and less "
                    + "CPU per request), or the JDK's selector.")
            .in(Section.HANDLERS);

    public static final Setting<Accept> ACCEPT = Setting.choice("accept", Accept.class, "herd",
            "How the loops are told of a pending connection: herd wakes every loop of every handler and they race "
                    + "for it (the lost races are counted); exclusive wakes one waiting loop per connection "
                    + "(EPOLLEXCLUSIVE, as nginx; --transport epoll only); reuseport gives each handler a socket of "
                    + "its own on the address (SO_REUSEPORT, held open by the spawner, so a handler's replacement "
                    + "takes over its queue) and the kernel spreads connections over them (TCP, --scaling static, "
                    + "no --standby).")
            // The spawner holds one socket per handler from the start.
            .in(Section.HANDLERS).needsRestart();

    public static final Setting<CpuAffinity> CPU_AFFINITY = Setting.choice("cpu-affinity", CpuAffinity.class, "off",
            "Pin each event loop to a CPU: auto spreads the loops of the pool over the CPUs herd may use (its "
                    + "affinity mask, as taskset or a cgroup set it), handler slot by slot, as nginx's "
                    + "worker_cpu_affinity auto; off leaves placement to the kernel. Only the loop threads are "
                    + "pinned; GC and JIT threads run anywhere.")
            .in(Section.HANDLERS);

    public static final Setting<Long> MAX_CONNECTIONS = Setting.countOrOff("max-connections", "4096",
            "Open connections per handler; at the limit a handler stops accepting, and new connections wait in "
                    + "the kernel's queue for a sibling or a free place.").in(Section.HANDLERS);

    public static final Setting<Long> MAX_REQUESTS = Setting.countOrOff("max-requests", "off",
            "Retire a handler (replacement first, then a graceful drain) after this many requests.")
            .in(Section.HANDLERS);

    public static final Setting<Integer> MAX_REQUESTS_JITTER = Setting.integer("max-requests-jitter", "0", 0,
            Integer.MAX_VALUE, "Adds 0..N at random to each handler's --max-requests, so handlers do not retire "
                    + "together.").in(Section.HANDLERS);

    public static final Setting<Long> MAX_RSS = new Setting<>("max-rss", "SIZE|off", "off",
            "Retire a handler (replacement first, then a graceful drain) once its resident memory exceeds this.",
            text -> text.strip().equalsIgnoreCase("off") ? 0L : Values.size(text)).in(Section.HANDLERS);

    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", "30s",
            "A handler whose oldest event-loop heartbeat is older than this gets SIGQUIT (its JVM prints every "
                    + "thread's stack), then SIGKILL 1 s later, and is replaced.").in(Section.HANDLERS);

    public static final Setting<Duration> BOOT_TIMEOUT = Setting.duration("boot-timeout", "60s",
            "A handler not ready this long after its spawn gets SIGQUIT (a thread dump), then SIGKILL 1 s later, "
                    + "and counts as a failed boot; in a reload's new generation, it fails the reload.")
            .in(Section.HANDLERS);

    public static final Setting<Duration> GRACEFUL_TIMEOUT = Setting.duration("graceful-timeout", "30s",
            "How long a handler told to stop (stop, shrink, retirement, reload) may finish its requests; it "
                    + "closes what is left then, and is killed if it has not exited 2 s later.")
            .in(Section.HANDLERS);

    public static final Setting<Integer> MAX_BOOT_FAILURES = Setting.integer("max-boot-failures", "5", 1, 1000,
            "Handler boot failures in a row after which the spawner gives up (exit status 3); each failure "
                    + "doubles the delay before the next spawn (100 ms, 200 ms, ... up to 10 s).")
            .in(Section.HANDLERS);

    public static final Setting<Long> WARMUP = Setting.countOrOff("warmup", "200",
            "Rounds of JIT warm-up a new handler serves before it joins the accept race (after a start, respawn, "
                    + "recycle, scale-up or reload), over private loopback connections through its own event loops "
                    + "and pipeline: each round is 5 requests to herd's own application, plus the requests the "
                    + "application lists in its warmup() hook (herd never invents requests for it). A handler the pool "
                    + "needs at once (in place of one that died, or added by the scaling policy under load) warms up "
                    + "for a quarter of the rounds: the pool is short while it boots. "
                    + "off: a new handler accepts at once, cold.")
            .in(Section.HANDLERS);

    public static final Setting<Duration> WARMUP_TIME = Setting.duration("warmup-time", "2s",
            "The most a warm-up may take: a handler whose rounds are not done by then joins the accept race as "
                    + "it is (on busy cores the pool needs it more than it needs it warm).")
            .in(Section.HANDLERS);

    /**
     * The default of {@link #HANDLER_JVM_OPTS} for an existing server's jar ({@link #JAR}): no heap
     * bounds (its heap is the application's to size), the serial collector, the shared class archive.
     */
    public static final String FOREIGN_JVM_OPTS = "-XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions"
            + " -XX:ArchiveRelocationMode=0";

    public static final Setting<String> HANDLER_JVM_OPTS = Setting.text("handler-jvm-opts", "OPTS",
            String.join(" ", JvmArgs.HANDLER),
            "JVM options of every handler process, replacing the defaults "
                    + "(--enable-native-access=ALL-UNNAMED is always added). The defaults: a small serial-GC heap, "
                    + "small stacks and code cache, the C library's freed memory given back every second, the "
                    + "class archive mapped where every handler shares it, Netty's sun.misc.Unsafe use allowed "
                    + "(Java 25 turns it off otherwise) and its JFR events off. Handlers with other "
                    + "options start without the AOT cache, which is trained with the defaults. With --jar the "
                    + "defaults are " + FOREIGN_JVM_OPTS + ": the application sizes its own heap.")
            .in(Section.HANDLERS).ofKind(Kind.WORD_LIST);

    public static final Setting<Long> MAX_BODY = Setting.size("max-body", "1m",
            "Largest request body, chunked or not; a larger one gets 413.").in(Section.HTTP);

    public static final Setting<Long> MAX_INITIAL_LINE = Setting.size("max-initial-line", "8k",
            "Longest request line; a longer one gets 414.").in(Section.HTTP);

    public static final Setting<Long> MAX_HEADER_SIZE = Setting.size("max-header-size", "16k",
            "Largest request header block; a larger one gets 431.").in(Section.HTTP);

    public static final Setting<Integer> MAX_HEADERS = Setting.integer("max-headers", "100", 1, 10_000,
            "Most field lines in a request head; more get 431.").in(Section.HTTP);

    public static final Setting<String> ACCESS_LOG = new Setting<>("access-log", "off|-|PATH", "off",
            "Where handlers log each request: off, - (standard output), or a file they append to (whole lines, "
                    + "buffered per event loop; 'herd reopen-logs' opens it again after a rotation).", Settings::accessLog)
            .in(Section.HTTP);

    public static final Setting<AccessLogFormat> ACCESS_LOG_FORMAT = Setting.choice("access-log-format",
            AccessLogFormat.class, "combined",
            "combined: the Combined Log Format and the request's time in seconds; json: an object per line.")
            .in(Section.HTTP);

    public static final Setting<Duration> HEADER_TIMEOUT = Setting.duration("header-timeout", "20s",
            "A client has this long, from a request head's first byte, to send the whole head; then 408 and the "
                    + "connection closes.").in(Section.HTTP);

    public static final Setting<Duration> BODY_TIMEOUT = Setting.duration("body-timeout", "20s",
            "The longest a client may pause while it sends a request body, and the time it has before "
                    + "--body-min-rate counts; late, it gets 408 and the connection closes.")
            .in(Section.HTTP);

    public static final Setting<Long> BODY_MIN_RATE = Setting.size("body-min-rate", "500b",
            "The slowest a request body may arrive, in bytes per second on average after a first --body-timeout "
                    + "(each SIZE received earns one more second); slower, 408 and the connection closes. "
                    + "0b: only pauses count.").in(Section.HTTP);

    public static final Setting<Boolean> REQUEST_BUFFERING = Setting.onOff("request-buffering", "on",
            "Receive a request's whole body before code that may block sees the request (herd API applications "
                    + "on virtual threads, JDK HttpServer programs), so that a slow client holds a connection, "
                    + "never a thread; off: such code reads bodies as they arrive. An application can still ask "
                    + "to stream its bodies (HttpApp.streamsBody).").in(Section.HTTP);

    public static final Setting<Long> REQUEST_BUFFER_MEMORY = Setting.size("request-buffer-memory", "64k",
            "How much of one buffered request body is kept in memory (and of all of a handler's together, a "
                    + "quarter of its heap limit); a larger body goes to a temporary file (in the handler's "
                    + "java.io.tmpdir, unlinked at once), never past --max-body.")
            .in(Section.HTTP);

    public static final Setting<Duration> KEEPALIVE_TIMEOUT = Setting.duration("keepalive-timeout", "15s",
            "An idle keep-alive connection is closed after this long.").in(Section.HTTP);

    public static final Setting<Long> KEEPALIVE_REQUESTS = Setting.countOrOff("keepalive-requests", "1000",
            "Requests served on one keep-alive connection before it is answered with Connection: close (as nginx).")
            .in(Section.HTTP);

    public static final Setting<Duration> MAX_CONNECTION_AGE = new Setting<>("max-connection-age", "DURATION|off", "off",
            "A keep-alive connection older than this is answered with Connection: close on its next response.",
            text -> text.strip().equalsIgnoreCase("off") ? Duration.ZERO : Values.duration(text)).in(Section.HTTP);

    public static final Setting<List<Path>> TLS_CERT = new Setting<>("tls-cert", "FILE|DIR", "",
            "Serve TLS with this certificate chain (PEM, the server's certificate first). Repeat it, or name a "
                    + "directory of them, for several certificates: each client gets the one for the name it asks "
                    + "for (SNI), and one that asks for none the first. Read before --user applies, and again by "
                    + "a reload.", Settings::paths)
            .in(Section.TLS).ofKind(Kind.PATH_LIST);

    public static final Setting<List<Path>> TLS_KEY = new Setting<>("tls-key", "FILE", "",
            "The private key of each --tls-cert file, in the same order (PEM, PKCS#8, RSA or EC, unencrypted); "
                    + "left out for a certificate file that holds its key. It may be readable by root only when "
                    + "herd starts as root: handlers get a copy in memory, never the file.", Settings::paths)
            .in(Section.TLS).ofKind(Kind.PATH_LIST);

    public static final Setting<Boolean> TLS_REDIRECT = Setting.onOff("tls-redirect", "off",
            "Cleartext addresses (--bind http://...) answer every request with 308 Permanent Redirect to the "
                    + "same URL over https, on the port of the first TLS address.").in(Section.TLS);

    public static final Setting<Boolean> HTTP2 = Setting.onOff("http2", "on",
            "With TLS: offer HTTP/2 by ALPN (h2); clients that do not take it speak HTTP/1.1.").in(Section.TLS);

    public static final Setting<Boolean> H2C = Setting.onOff("h2c", "off",
            "Without TLS: a connection that opens with HTTP/2's preface (prior knowledge, as h2load and "
                    + "curl --http2-prior-knowledge do) speaks cleartext HTTP/2; others HTTP/1.1.").in(Section.TLS);

    public static final Setting<Integer> H2_MAX_STREAMS = Setting.integer("h2-max-streams", "128", 1, 65535,
            "Streams one HTTP/2 connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS).")
            .in(Section.TLS);

    public static final Setting<Duration> TLS_TICKET_ROTATION = Setting.duration("tls-ticket-rotation", "1h",
            "How often the session-ticket keys that every handler shares are replaced: a client resumes its "
                    + "session on any handler for up to twice this.").in(Section.TLS);

    public static final Setting<String> APP = Setting.text("app", "NAME|CLASS", "demo",
            "The application: a built-in one (demo), or a class of --classpath implementing the herd API "
                    + "(dev.herd.api: HttpApp, AsyncHttpApp, TcpApp or AsyncTcpApp).").in(Section.APPLICATION);

    public static final Setting<List<String>> CLASSPATH = new Setting<>("classpath", "PATHS", "",
            "Where the application's classes are: jars and directories separated by ':', DIR/* for every jar "
                    + "in DIR. Loaded in a class loader of their own in every handler.", Settings::classPath)
            .in(Section.APPLICATION).ofKind(Kind.PATH_LIST);

    public static final Setting<Optional<String>> MAIN = Setting.optional("main", "CLASS",
            "Run an unmodified JDK HttpServer program: its main(String[]) runs in every handler, and "
                    + "HttpServer.create(...) serves on herd's socket. Program arguments follow '--'.",
            Settings::className).in(Section.APPLICATION);

    public static final Setting<Optional<Path>> JAR = Setting.optional("jar", "APP.jar",
            "Run an existing server's executable jar unmodified (Spring Boot 4, Micronaut, Quarkus, Helidon SE, Javalin, "
                    + "or any server that binds a TCP port): each handler is the application's own JVM, given herd's "
                    + "socket instead of binding one. Application arguments follow '--'.",
            text -> Path.of(text.strip())).in(Section.APPLICATION);

    public static final Setting<String> JAR_AOT = Setting.text("jar-aot", "auto|DIR|off", "auto",
            "With --jar: where the application's AOT cache is kept, trained by herd on first use (in the background, "
                    + "while handlers start without it) or by herd train, and used by every handler started once it is "
                    + "there; one per jar content, JVM options and Java. auto: $XDG_CACHE_HOME/herd/jar-aot, else "
                    + "~/.cache/herd/jar-aot. off: none.").in(Section.APPLICATION);

    public static final Setting<Optional<ForeignJar.Server>> JAR_SERVER = Setting.optional("jar-server",
            Values.choiceLabel(ForeignJar.Server.class),
            "With --jar: the server in the jar, which decides how it gets herd's socket; read from the jar when not "
                    + "given. other: a server that binds a TCP port itself, given herd's port in PORT.",
            text -> Values.choice(ForeignJar.Server.class, text)).in(Section.APPLICATION);

    public static final Setting<Optional<StaticMount>> STATIC = Setting.optional("static", "[/PREFIX=]DIR",
            "Serve the files of DIR: alone, or under /PREFIX beside the application.",
            StaticMount::parse).in(Section.APPLICATION);

    public static final Setting<Optional<String>> STATIC_INDEX = new Setting<Optional<String>>("static-index", "NAME|off",
            "index.html", "With --static: the file answered for a directory, or off.",
            text -> text.strip().equalsIgnoreCase("off") ? Optional.empty() : Optional.of(fileName(text)))
            .in(Section.APPLICATION);

    public static final Setting<Boolean> STATIC_LISTING = Setting.onOff("static-listing", "off",
            "With --static: list a directory that has no index file (else 403).").in(Section.APPLICATION);

    public static final Setting<Protocol> PROTOCOL = Setting.choice("protocol", Protocol.class, "http",
            "What handlers speak on the socket: HTTP/1.1, or raw TCP to a TcpApp or AsyncTcpApp.")
            .in(Section.APPLICATION);

    /** The options of {@code herd serve}, in help order: by {@link Setting.Section}, as the reference lists them. */
    public static final List<Setting<?>> SERVE = List.of(CONFIG,
            BIND, BACKLOG, ADMIN, ADMIN_TOKEN, USER, GROUP,
            HANDLERS, SCALING, MIN_HANDLERS, MAX_HANDLERS, MIN_SPARE, MAX_SPARE, IDLE_TIMEOUT, MAX_SPAWN_RATE,
            SCALE_INTERVAL, STANDBY,
            THREADS, TRANSPORT, ACCEPT, CPU_AFFINITY, MAX_CONNECTIONS, MAX_REQUESTS, MAX_REQUESTS_JITTER, MAX_RSS, TIMEOUT, BOOT_TIMEOUT, GRACEFUL_TIMEOUT,
            MAX_BOOT_FAILURES, WARMUP, WARMUP_TIME, HANDLER_JVM_OPTS,
            MAX_BODY, MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_HEADERS, ACCESS_LOG, ACCESS_LOG_FORMAT, HEADER_TIMEOUT, BODY_TIMEOUT,
            BODY_MIN_RATE, REQUEST_BUFFERING, REQUEST_BUFFER_MEMORY, KEEPALIVE_TIMEOUT,
            KEEPALIVE_REQUESTS, MAX_CONNECTION_AGE,
            TLS_CERT, TLS_KEY, TLS_REDIRECT, HTTP2, H2C, H2_MAX_STREAMS, TLS_TICKET_ROTATION,
            APP, CLASSPATH, MAIN, JAR, JAR_SERVER, JAR_AOT, STATIC, STATIC_INDEX, STATIC_LISTING, PROTOCOL);

    /** The pool-size policies of {@code --scaling}. */
    public enum Scaling {
        STATIC, SPARE, ADAPTIVE
    }

    /** What handlers speak on the socket: {@code --protocol}. */
    public enum Protocol {
        HTTP, TCP
    }

    /** How loops learn of a pending connection: {@code --accept}. */
    public enum Accept {
        /** Every loop of every handler is woken, and they race for the connection. */
        HERD,
        /** One waiting loop is woken per connection (EPOLLEXCLUSIVE). */
        EXCLUSIVE,
        /**
         * Each handler has a socket of its own on the address (SO_REUSEPORT), and the kernel
         * hashes each connection to one of them; the handler's loops race for it as with
         * {@link #HERD}.
         */
        REUSEPORT
    }

    /** Where the event loops run: {@code --cpu-affinity}. */
    public enum AccessLogFormat {
        /** Apache's and nginx's combined format, and the request time in seconds. */
        COMBINED,
        /** One JSON object per line. */
        JSON
    }

    public enum CpuAffinity {
        /** Wherever the kernel schedules them. */
        OFF,
        /** Loop j of handler slot s on allowed CPU number (s × loops + j) mod CPUs. */
        AUTO
    }

    /** The event loops' I/O: {@code --transport}. */
    public enum Transport {
        /** The JDK's selector (portable). */
        NIO,
        /** Netty's native epoll (Linux). */
        EPOLL
    }

    /** The event loops per handler: {@code --threads}, or what {@code auto} means for this pool on {@code cpus}. */
    public static int threads(Config config, int cpus) {
        int threads = config.get(THREADS);
        if (threads != AUTO_THREADS) {
            return threads;
        }
        return scaling(config) == Scaling.STATIC ? Math.max(1, cpus / config.get(HANDLERS)) : 1;
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
        validateAdmin(config);
        atMost(config, MIN_HANDLERS, MAX_HANDLERS);
        atMost(config, MIN_SPARE, MAX_SPARE);
        if (config.get(ACCEPT) == Accept.EXCLUSIVE && config.get(TRANSPORT) != Transport.EPOLL) {
            throw new IllegalArgumentException("--accept exclusive (" + config.origin(ACCEPT).describe()
                    + ") needs --transport epoll (" + config.text(TRANSPORT) + ", "
                    + config.origin(TRANSPORT).describe() + ")");
        }
        if (config.get(ACCEPT) == Accept.REUSEPORT) {
            validateReusePort(config);
        }
        validateApplication(config);
        validateTls(config);
    }

    /** TLS and HTTP/2 serve herd's own HTTP handlers; several addresses need herd's own handlers and epoll. */
    private static void validateTls(Config config) {
        List<Bind> binds = config.get(BIND);
        boolean certificates = !config.get(TLS_CERT).isEmpty();
        boolean anyTls = binds.stream().anyMatch(b -> b.tls(certificates));
        boolean anyCleartext = binds.stream().anyMatch(b -> !b.tls(certificates));
        if (!certificates && !config.get(TLS_KEY).isEmpty()) {
            throw new IllegalArgumentException("--tls-key " + config.text(TLS_KEY) + " (" + config.origin(TLS_KEY)
                    .describe() + ") without --tls-cert: give the certificate too");
        }
        binds.stream().filter(b -> b.scheme() == Bind.Scheme.HTTPS && !certificates).findFirst().ifPresent(b -> {
            throw new IllegalArgumentException("--bind " + b + " (" + config.origin(BIND).describe()
                    + ") serves TLS: give --tls-cert and --tls-key");
        });
        if (anyTls && config.get(JAR).isPresent()) {
            throw new IllegalArgumentException("--tls-cert serves herd's own handlers; a --jar server's TLS is its "
                    + "own configuration's");
        }
        if (anyTls && config.get(PROTOCOL) == Protocol.TCP) {
            throw new IllegalArgumentException("--tls-cert serves HTTP; --protocol tcp (" + config.origin(PROTOCOL)
                    .describe() + ") speaks raw TCP");
        }
        if (config.get(H2C) && !anyCleartext) {
            throw new IllegalArgumentException("--h2c is cleartext HTTP/2 by prior knowledge, and every --bind is TLS "
                    + "(" + config.text(BIND) + "): there HTTP/2 is offered by ALPN (--http2)");
        }
        if (config.get(TLS_REDIRECT) && !(anyTls && anyCleartext)) {
            throw new IllegalArgumentException("--tls-redirect sends cleartext addresses' clients to a TLS one; --bind "
                    + config.text(BIND) + " needs both (e.g. --bind http://0.0.0.0:80 --bind https://0.0.0.0:443)");
        }
        if (binds.size() > 1) {
            String several = "several addresses (--bind " + config.text(BIND) + ", " + config.origin(BIND).describe() + ")";
            if (config.get(JAR).isPresent() || config.get(PROTOCOL) == Protocol.TCP) {
                throw new IllegalArgumentException(several + " serve herd's own HTTP handlers: not --jar or --protocol tcp");
            }
            if (config.get(TRANSPORT) != Transport.EPOLL) {
                throw new IllegalArgumentException(several + " need --transport epoll (" + config.text(TRANSPORT)
                        + ", " + config.origin(TRANSPORT).describe() + ")");
            }
            if (config.get(ACCEPT) == Accept.REUSEPORT) {
                throw new IllegalArgumentException(several + " cannot go with --accept reuseport");
            }
        }
    }

    /**
     * The admin endpoints control the server: beyond loopback only with a token, and a token that
     * cannot be read is refused at start.
     */
    private static void validateAdmin(Config config) {
        Optional<Address.Inet> admin = config.get(ADMIN);
        Optional<AdminToken> token = config.get(ADMIN_TOKEN);
        if (admin.isPresent() && !admin.get().host().isLoopbackAddress() && token.isEmpty()) {
            throw new IllegalArgumentException("--admin " + config.text(ADMIN) + " (" + config.origin(ADMIN).describe()
                    + ") is not a loopback address: give --admin-token file:PATH or env:NAME too, so that only "
                    + "holders of the token can see and control the server");
        }
        token.ifPresent(t -> t.read(System.getenv()));
    }

    /**
     * A socket of the group that no handler accepts from holds the connections the kernel gives it,
     * and closing one resets them: so the pool's size is fixed, and nothing stands by.
     */
    private static void validateReusePort(Config config) {
        String reusePort = "--accept reuseport (" + config.origin(ACCEPT).describe() + ")";
        if (!(address(config) instanceof Address.Inet)) {
            throw new IllegalArgumentException(reusePort + " needs a TCP address; --bind is " + config.text(BIND)
                    + " (" + config.origin(BIND).describe() + "), and Unix sockets cannot share one");
        }
        if (scaling(config) != Scaling.STATIC) {
            throw new IllegalArgumentException(reusePort + " needs --scaling static (give --handlers N): it is "
                    + scaling(config).name().toLowerCase(java.util.Locale.ROOT)
                    + ", and a handler's socket closed on scale-down would reset the connections queued on it");
        }
        if (config.get(STANDBY) > 0) {
            throw new IllegalArgumentException(reusePort + " cannot keep --standby handlers ("
                    + config.get(STANDBY) + ", " + config.origin(STANDBY).describe()
                    + "): the connections queued on a standby's socket would wait for it");
        }
    }

    /** Each value with where it came from, since the two may come from different layers. */
    private static void atMost(Config config, Setting<Integer> low, Setting<Integer> high) {
        if (config.get(low) > config.get(high)) {
            throw new IllegalArgumentException(low.option() + " (" + config.get(low) + ", "
                    + config.origin(low).describe() + ") must not exceed " + high.option() + " ("
                    + config.get(high) + ", " + config.origin(high).describe() + ")");
        }
    }

    /** Which application forms go together, and whether the files they name are there. */
    private static void validateApplication(Config config) {
        if (config.get(JAR).isPresent()) {
            validateJar(config);
            return;
        }
        if (config.get(JAR_SERVER).isPresent()) {
            throw new IllegalArgumentException("--jar-server says what --jar runs, and there is no --jar");
        }
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
            Path path = Path.of(entry.endsWith("/*") || entry.equals("*")
                    ? entry.substring(0, entry.length() - 1) + "." : entry);
            if (!java.nio.file.Files.isReadable(path)) {
                throw new IllegalArgumentException("invalid value for --classpath: '" + entry
                        + "' is not a readable jar or directory");
            }
            if (java.nio.file.Files.isRegularFile(path)) {
                try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(path.toFile())) {
                    // Opened: its central directory reads, so handlers can load from it.
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("invalid value for --classpath: '" + entry
                            + "' is not a jar (" + e.getMessage() + ")");
                }
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

    /** An existing server's jar runs alone: none of herd's own application forms beside it. */
    private static void validateJar(Config config) {
        for (Setting<?> other : List.of(APP, MAIN, CLASSPATH, STATIC, PROTOCOL)) {
            if (config.isSet(other)) {
                throw new IllegalArgumentException("--jar runs the jar's own server: " + other.option()
                        + " cannot go with it");
            }
        }
        if (address(config) instanceof Address.Unix) {
            throw new IllegalArgumentException("--jar runs servers that listen on TCP: --bind " + address(config)
                    + " is a Unix socket");
        }
        if (config.get(STANDBY) > 0) {
            throw new IllegalArgumentException("--standby needs herd's own handlers: a --jar handler serves once "
                    + "its server has started");
        }
        try {
            ForeignJar.inspect(config.get(JAR).orElseThrow(), config.get(JAR_SERVER));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value for --jar: " + e.getMessage());
        }
    }

    /** The JVM options handlers start with: {@link #HANDLER_JVM_OPTS}, whose default differs for {@link #JAR}. */
    public static String handlerJvmOpts(Config config) {
        return config.get(JAR).isPresent() && !config.isSet(HANDLER_JVM_OPTS) ? FOREIGN_JVM_OPTS
                : config.get(HANDLER_JVM_OPTS);
    }

    /** The applications herd carries itself, for {@code --app NAME}. */
    public static final List<String> BUILT_IN_APPS = List.of("demo");

    /**
     * Whether the built-in demo answers: it is the default application, unless {@code --static}
     * or {@code --main} is given without {@code --app}.
     */
    public static boolean servesApp(Config config) {
        return config.isSet(APP) || (config.get(STATIC).isEmpty() && config.get(MAIN).isEmpty()
                && config.get(JAR).isEmpty());
    }

    /** The first address of {@code --bind}: the one handlers get as their standard input. */
    public static Address address(Config config) {
        return config.get(BIND).getFirst().address();
    }

    /** Whether herd serves TLS on {@code bind}. */
    public static boolean tls(Config config, Bind bind) {
        return bind.tls(!config.get(TLS_CERT).isEmpty());
    }

    private static List<Path> paths(String text) {
        return java.util.Arrays.stream(text.split(java.io.File.pathSeparator))
                .map(String::strip)
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath())
                .toList();
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

    /** off, -, or a file whose directory exists and that can be written (checked at start). */
    private static String accessLog(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("off") || t.equals("-")) {
            return t.toLowerCase(java.util.Locale.ROOT);
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expected off, - or a file");
        }
        Path file = Path.of(t).toAbsolutePath();
        Path dir = file.getParent();
        if (!java.nio.file.Files.isDirectory(dir) || !java.nio.file.Files.isWritable(dir)
                && !java.nio.file.Files.isWritable(file)) {
            throw new IllegalArgumentException("'" + t + "' cannot be written: " + dir
                    + (java.nio.file.Files.isDirectory(dir) ? " is not writable" : " is not a directory"));
        }
        return file.toString();
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
