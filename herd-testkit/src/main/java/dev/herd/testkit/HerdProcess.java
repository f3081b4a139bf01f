package dev.herd.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.os.JvmArgs;
import dev.herd.os.Posix;
import dev.herd.os.Signal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real {@code herd serve} in its own process, with real handler processes, for tests.
 *
 * <p>It binds port 0 for both the server and the admin endpoint (or takes a socket handed over
 * by {@link SocketActivator}) and learns the addresses from the spawner's log; it waits for
 * readiness through {@code /status.json}, never by sleeping. Its output is kept (and written to
 * {@code target/herd-logs/}) so that tests can check it for errors at the end.
 */
public final class HerdProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+) \\(");
    private static final Pattern ADMIN = Pattern.compile("admin on (\\S+)");
    private static final Pattern ACTIVATOR = Pattern.compile("activator bound (\\S+)");
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The admin token this harness's own admin requests carry, for a server started with one. */
    private volatile String adminToken;
    private final ObjectMapper json = new ObjectMapper();
    private volatile String listening;
    private volatile String admin;
    /** Reads herd's output until every process that holds the pipe (handlers too) has closed it. */
    private final Thread reader;

    private HerdProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
        reader = new Thread(this::readOutput, "herd-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code herd serve} on 127.0.0.1:0 with the admin endpoint on 127.0.0.1:0, plus {@code args}. */
    public static HerdProcess serve(String name, String... args) {
        return serveWithEnvironment(name, java.util.Map.of(), args);
    }

    /** As {@link #serve}, with herd's classes from {@code classPath} instead of this JVM's. */
    public static HerdProcess serveOnClassPath(String name, String classPath, String... args) {
        List<String> serve = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1:0", "--admin", "127.0.0.1:0"));
        serve.addAll(List.of(args));
        List<String> command = javaCommand("dev.herd.cli.Main", serve);
        command.set(command.indexOf("-cp") + 1, classPath);
        return start(name, command);
    }

    /** As {@link #serve}, with these variables added to herd's environment. */
    public static HerdProcess serveWithEnvironment(String name, java.util.Map<String, String> environment,
                                                   String... args) {
        List<String> serve = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1:0", "--admin", "127.0.0.1:0"));
        serve.addAll(List.of(args));
        return start(name, javaCommand("dev.herd.cli.Main", serve), environment);
    }

    /**
     * As {@link #serve}, with the spawner and so its handlers limited to {@code files} open
     * descriptors (soft and hard: the JVM raises its soft limit to the hard one by itself).
     */
    public static HerdProcess serveWithFileLimit(String name, int files, String... args) {
        return serveWithLimit(name, "--nofile=" + files + ":" + files, args);
    }

    /** As {@link #serve}, with the spawner and its handlers under the {@code prlimit} option {@code limit}. */
    public static HerdProcess serveWithLimit(String name, String limit, String... args) {
        List<String> serve = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1:0", "--admin", "127.0.0.1:0"));
        serve.addAll(List.of(args));
        List<String> command = new ArrayList<>(List.of("prlimit", limit, "--"));
        command.addAll(javaCommand("dev.herd.cli.Main", serve));
        return start(name, command);
    }

    /** {@code herd serve} with exactly these arguments (the test picks --bind and --admin). */
    public static HerdProcess serveExactly(String name, String... args) {
        List<String> serve = new ArrayList<>(List.of("serve"));
        serve.addAll(List.of(args));
        return start(name, javaCommand("dev.herd.cli.Main", serve));
    }

    /** {@code herd serve} behind {@link SocketActivator} in {@code mode} (systemd or inetd). */
    public static HerdProcess activated(String name, String mode, String... args) {
        List<String> serve = new ArrayList<>(List.of("serve", "--admin", "127.0.0.1:0"));
        serve.addAll(List.of(args));
        List<String> command = new ArrayList<>(javaCommand(SocketActivator.class.getName(),
                List.of(mode, "127.0.0.1:0", "--")));
        command.addAll(javaCommand("dev.herd.cli.Main", serve));
        return start(name, command);
    }

    private static List<String> javaCommand(String mainClass, List<String> args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(JvmArgs.COMMAND);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }

    private static HerdProcess start(String name, List<String> command) {
        return start(name, command, java.util.Map.of());
    }

    private static HerdProcess start(String name, List<String> command, java.util.Map<String, String> environment) {
        try {
            Path logs = Path.of("target", "herd-logs");
            Files.createDirectories(logs);
            Path logFile = logs.resolve(name + ".log");
            Files.deleteIfExists(logFile);
            // Standard input is a pipe nobody writes, never the test JVM's own.
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new HerdProcess(process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                Matcher m = LISTENING.matcher(line);
                if (m.find() && listening == null) {
                    listening = m.group(1);
                }
                Matcher a = ADMIN.matcher(line);
                if (a.find() && admin == null) {
                    admin = a.group(1);
                }
                Matcher b = ACTIVATOR.matcher(line);
                if (b.find() && listening == null) {
                    listening = b.group(1);
                }
            }
        } catch (IOException ignored) {
            // The process ended.
        }
    }

    /** Waits until the addresses are known and {@code handlers} handlers are ready (idle or busy). */
    public HerdProcess awaitReady(int handlers) {
        Await.until("the admin address in the log", START_TIMEOUT, () -> admin != null || !process.isAlive());
        if (admin == null) {
            throw new AssertionError("herd exited with " + process.exitValue() + " before serving:\n" + output());
        }
        awaitHandlers("" + handlers + " ready handlers", START_TIMEOUT, s -> readyPids(s).size() == handlers);
        return this;
    }

    /** Polls {@code /status.json} until {@code condition} holds. */
    public JsonNode awaitHandlers(String what, Duration timeout, java.util.function.Predicate<JsonNode> condition) {
        return Await.until(what, timeout, this::status, condition);
    }

    /**
     * Sends {@code GET target} on a thread of its own, for a request meant to be cut short (its
     * handler is killed or exits); returns that thread once the request is in flight.
     */
    public Thread requestInBackground(String target) {
        Thread client = Thread.ofPlatform().start(() -> {
            try {
                get(target);
            } catch (IOException expected) {
                // The test ends this request's handler.
            }
        });
        awaitHandlers("GET " + target + " in flight", Duration.ofSeconds(10),
                s -> s.path("handlers").findValues("in_flight").stream().anyMatch(n -> n.asLong() >= 1));
        return client;
    }

    public static List<Long> readyPids(JsonNode status) {
        List<Long> pids = new ArrayList<>();
        for (JsonNode h : status.path("handlers")) {
            String state = h.path("state").asText();
            if (state.equals("idle") || state.equals("busy")) {
                pids.add(h.path("pid").asLong());
            }
        }
        return pids;
    }

    public static List<Long> allPids(JsonNode status) {
        List<Long> pids = new ArrayList<>();
        status.path("handlers").forEach(h -> pids.add(h.path("pid").asLong()));
        return pids;
    }

    /** Makes this harness's own admin requests ({@link #status}, the stop) carry {@code token}. */
    public HerdProcess useAdminToken(String token) {
        this.adminToken = token;
        return this;
    }

    public JsonNode status() {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + admin + "/status.json"))
                    .timeout(Duration.ofSeconds(10));
            String token = adminToken;
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return json.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The serving address: an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}. */
    public SocketAddress address() {
        String a = listening;
        if (a == null) {
            throw new IllegalStateException("address not known yet");
        }
        return a.startsWith("unix:") ? UnixDomainSocketAddress.of(a.substring(5)) : HttpProbe.inet(a);
    }

    public HttpProbe.Reply get(String target) throws IOException {
        return HttpProbe.get(address(), target, Duration.ofSeconds(30));
    }

    /** What a command of {@code herd} answered: its exit status, standard output and standard error. */
    public record CliResult(int status, String out, String err) {
    }

    /** Runs {@code herd ARGS --admin ADDR} against this server, as an operator would, and waits for it. */
    public CliResult cli(String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--admin", admin));
        return run(javaCommand("dev.herd.cli.Main", arguments), Duration.ofMinutes(2));
    }

    /** Runs {@code herd ARGS} on its own (no server involved), e.g. {@code config}. */
    public static CliResult command(java.util.Map<String, String> environment, String... args) {
        List<String> command = javaCommand("dev.herd.cli.Main", List.of(args));
        return run(command, environment, Duration.ofMinutes(1));
    }

    private static CliResult run(List<String> command, Duration timeout) {
        return run(command, java.util.Map.of(), timeout);
    }

    private static CliResult run(List<String> command, java.util.Map<String, String> environment, Duration timeout) {
        try {
            Path out = Files.createTempFile("herd-cli", ".out");
            Path err = Files.createTempFile("herd-cli", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
                builder.environment().putAll(environment);
                Process p = builder.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(command + " still running after " + timeout.toMillis() + " ms");
                }
                return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** HOST:PORT of the admin endpoint. */
    public String adminAddress() {
        return admin;
    }

    public long spawnerPid() {
        return status().path("spawner").path("pid").asLong();
    }

    /** The pid of the process this harness started (the activator, when there is one). */
    public long processPid() {
        return process.pid();
    }

    public void signalSpawner(Signal signal) {
        Posix.kill(spawnerPid(), signal.number());
    }

    /**
     * Stops the process with SIGSTOP and waits until every thread of it has stopped: the signal is
     * only queued when kill returns, and a thread that is running may still accept a connection.
     */
    public static void freeze(long pid) {
        Posix.kill(pid, Signal.STOP.number());
        Await.until("process " + pid + " stopped", Duration.ofSeconds(5), () -> {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                return tasks.allMatch(task -> {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
                    } catch (IOException gone) {
                        return true;
                    }
                });
            } catch (IOException gone) {
                return true;
            }
        });
    }

    /**
     * Whether the process still runs. A zombie (exited, not yet reaped) does not: a handler
     * orphaned by its spawner's death is reaped by PID 1, which may take its time, while
     * {@link ProcessHandle#isAlive()} reports zombies as alive.
     */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // "pid (comm) S ...": the state follows the command name's closing parenthesis.
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    /**
     * Waits for the process to exit and returns its status; by then its output has been read to
     * the end (or for as long as the timeout allows, if a descendant still holds the pipe), so that
     * {@link #output()} has the last lines its handlers wrote before they exited.
     */
    public int awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("herd still running after " + timeout.toMillis() + " ms:\n" + output());
            }
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Optional<Integer> exitStatus() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    public String output() {
        return String.join("\n", lines);
    }

    /**
     * Waits until a line containing {@code fragment} has been read from herd's output and returns
     * it: the status endpoint can report a handler ready before its log line has crossed the pipes.
     */
    public String awaitLine(String fragment, Duration timeout) {
        Await.until("a line with \"" + fragment + "\"", timeout,
                () -> lines.stream().anyMatch(l -> l.contains(fragment)) || !reader.isAlive());
        return lines.stream().filter(l -> l.contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("herd exited without printing \"" + fragment + "\":\n" + output()));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * Lines at ERROR (SEVERE) or WARNING level, or JVM crash and exception traces, that none of the
     * {@code expected} patterns accounts for: what a test must not leave behind unexplained.
     */
    public List<String> unexpectedProblems(String... expected) {
        List<Pattern> allowed = Stream.of(expected).map(Pattern::compile).toList();
        return lines.stream()
                .filter(l -> l.contains(" SEVERE ") || l.contains(" ERROR ") || l.contains(" WARNING ")
                        || l.startsWith("Exception in thread")
                        || l.contains("hs_err_pid"))
                .filter(l -> allowed.stream().noneMatch(p -> p.matcher(l).find()))
                .toList();
    }

    /** Stops the server if it still runs (SIGTERM, then SIGKILL of it and every descendant). */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (process.isAlive()) {
            process.toHandle().descendants().forEach(p -> Posix.kill(p.pid(), Signal.CONT.number()));
            try {
                if (spawnerPidOrZero() != 0) {
                    Posix.kill(spawnerPidOrZero(), Signal.TERM.number());
                } else {
                    process.destroy();
                }
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle p : descendants) {
            p.destroyForcibly();
        }
        process.destroyForcibly();
    }

    private long spawnerPidOrZero() {
        try {
            return admin == null ? 0 : spawnerPid();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
