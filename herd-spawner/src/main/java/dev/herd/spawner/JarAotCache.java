package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.ForeignJar;
import dev.herd.config.Settings;
import dev.herd.os.JvmArgs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The AOT cache of an existing server's jar ({@code --jar-aot}): trained by herd with the JDK's
 * {@code -XX:AOTCacheOutput} while the application starts as a handler, and used by every handler
 * started once it is there ({@code -XX:AOTCache}). It lives in a directory of its own under the
 * cache root, named by a digest of all that makes a cache valid: the jar's content and that of the
 * libraries its {@code Class-Path} names, herd's jars beside it, the server, the handler JVM options
 * and the Java runtime. A rebuilt jar, other options or another JDK find no cache and train one.
 *
 * <p>A Spring Boot executable jar loads its libraries through its own class loader, which the cache
 * does not hold: herd extracts the application first ({@code -Djarmode=tools extract}) and trains and
 * runs it from the extracted jar, whose libraries come from the class path.
 *
 * <p>Training runs {@code herd serve --jar} with one handler, on a port of its own, until that
 * handler is ready, then stops it: the handler JVM writes the cache as it exits. No request is
 * sent to the application; what its start loads is what the cache holds.
 */
final class JarAotCache {
    private static final System.Logger LOG = System.getLogger("dev.herd.spawner");
    /** Trainings under way in this process, by directory: one at a time per cache. */
    private static final Set<Path> TRAINING = ConcurrentHashMap.newKeySet();
    private static final Pattern READY = Pattern.compile("handler 0 \\(pid \\d+, generation 1\\) ready ");
    private static final Duration TRAINING_LIMIT = Duration.ofMinutes(5);
    private static final String CACHE_FILE = "app.aot";
    private static final String EXTRACTED = "extracted";

    private final ForeignJar jar;
    private final Path dir;

    JarAotCache(ForeignJar jar, Path dir) {
        this.jar = jar;
        this.dir = dir;
    }

    /**
     * The cache for {@code jar} run with {@code jvmOptions}, or none with {@code --jar-aot off}.
     *
     * @param herdJars herd's jars on the handler's class path
     */
    static Optional<JarAotCache> of(Config config, ForeignJar jar, List<String> jvmOptions, List<String> herdJars,
                                    Map<String, String> environment) {
        return root(config.get(Settings.JAR_AOT), environment)
                .map(root -> new JarAotCache(jar, root.resolve(key(jar, jvmOptions, herdJars))));
    }

    /** Where caches are kept: {@code --jar-aot}, its {@code auto} resolved; empty for {@code off}. */
    static Optional<Path> root(String setting, Map<String, String> environment) {
        String value = setting.strip();
        if (value.equals("off")) {
            return Optional.empty();
        }
        if (!value.equals("auto")) {
            return Optional.of(Path.of(value).toAbsolutePath());
        }
        String xdg = environment.getOrDefault("XDG_CACHE_HOME", "");
        Path base = !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return Optional.of(base.resolve("herd").resolve("jar-aot").toAbsolutePath());
    }

    /** What the cache is valid for, as a short digest; the jar's name first, for people to read. */
    static String key(ForeignJar jar, List<String> jvmOptions, List<String> herdJars) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, Runtime.version() + "\n" + System.getProperty("java.home") + "\n" + jar.server() + "\n"
                    + String.join(" ", jvmOptions) + "\n");
            digestFile(digest, jar.path());
            for (Path library : manifestClassPath(jar.path())) {
                update(digest, library + "\n");
                digestFile(digest, library);
            }
            for (String herd : herdJars) {
                Path file = Path.of(herd);
                update(digest, herd + " " + (Files.exists(file) ? Files.size(file) + " "
                        + Files.getLastModifiedTime(file).toMillis() : "-") + "\n");
            }
            String name = jar.path().getFileName().toString().replaceAll("\\.jar$", "").replaceAll("[^A-Za-z0-9._-]", "_");
            return name + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + jar.path() + " to key its AOT cache: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void digestFile(MessageDigest digest, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            update(digest, "missing\n");
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
    }

    /** The libraries a thin jar names in its manifest's {@code Class-Path}, resolved beside it. */
    private static List<Path> manifestClassPath(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String classPath = file.getManifest() == null ? null
                    : file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null || classPath.isBlank()) {
                return List.of();
            }
            Path base = jar.toAbsolutePath().getParent();
            return Stream.of(classPath.strip().split("\\s+")).map(base::resolve).toList();
        }
    }

    Path dir() {
        return dir;
    }

    Path cacheFile() {
        return dir.resolve(CACHE_FILE);
    }

    /** Whether the application is trained and run from its extracted jar (a Spring Boot fat jar). */
    private boolean extracts() {
        return jar.server() == ForeignJar.Server.SPRING_BOOT && !jar.extracted();
    }

    private Path extractedJar() {
        return dir.resolve(EXTRACTED).resolve(jar.path().getFileName());
    }

    /** The jar handlers run while the cache is there: the extracted one, for a Spring Boot fat jar. */
    Optional<ForeignJar> readyJar() {
        if (!Files.isRegularFile(cacheFile())) {
            return Optional.empty();
        }
        if (!extracts()) {
            return Optional.of(jar);
        }
        if (!Files.isRegularFile(extractedJar())) {
            return Optional.empty();
        }
        return Optional.of(ForeignJar.inspect(extractedJar(), Optional.of(ForeignJar.Server.SPRING_BOOT)));
    }

    /**
     * Trains the cache in a thread of its own, unless it is there or being trained; handlers
     * started once it is there use it.
     */
    void trainInBackground(String java, String herdClassPath, Config config) {
        if (readyJar().isPresent() || !TRAINING.add(dir)) {
            return;
        }
        Thread.ofPlatform().name("herd-jar-aot").daemon().start(() -> {
            try {
                LOG.log(System.Logger.Level.INFO, "training the AOT cache of " + jar.path().getFileName()
                        + " in the background: handlers start without it until it is ready");
                Duration took = train(java, herdClassPath, config);
                LOG.log(System.Logger.Level.INFO, describe(took) + "; handlers started from now on use it");
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "no AOT cache for " + jar.path().getFileName() + ": "
                        + e.getMessage() + " (handlers start without one)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                TRAINING.remove(dir);
            }
        });
    }

    String describe(Duration took) throws IOException {
        return "AOT cache of " + jar.path().getFileName() + ": " + cacheFile() + " ("
                + Files.size(cacheFile()) / (1024 * 1024) + " MiB, trained in " + took.toMillis() / 100 / 10.0 + " s)";
    }

    /**
     * Extracts the application where it needs to be, then runs {@code herd serve --jar} with one
     * handler that writes the cache as it exits, and waits until it is written.
     *
     * @return how long it took
     * @throws IOException when extraction or training fails, with the reason
     */
    Duration train(String java, String herdClassPath, Config config) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Files.createDirectories(dir);
        ForeignJar trained = jar;
        if (extracts()) {
            trained = extract(java);
        }
        Path output = dir.resolve(CACHE_FILE + ".training");
        Files.deleteIfExists(output);
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JvmArgs.COMMAND);
        command.addAll(List.of("-cp", herdClassPath, "dev.herd.cli.Main", "serve",
                "--jar", trained.path().toString(), "--jar-server", dev.herd.config.Values.choiceName(jar.server()),
                "--jar-aot", "off", "--handlers", "1", "--scaling", "static", "--bind", "127.0.0.1:0", "--admin", "off",
                // The handler JVM writes the cache as it exits, which takes a while: give it that.
                "--graceful-timeout", "120s", "--boot-timeout", dev.herd.config.Values.format(config.get(Settings.BOOT_TIMEOUT)),
                "--handler-jvm-opts", Settings.handlerJvmOpts(config) + " -XX:AOTCacheOutput=" + output));
        if (!config.programArgs().isEmpty()) {
            command.add("--");
            command.addAll(config.programArgs());
        }
        // Its output goes to a file beside the cache: what to read when training fails.
        Path log = dir.resolve("training.log");
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        // Should this process end first, the training server ends with it (its handler follows it).
        Thread orphaned = new Thread(server::destroyForcibly, "herd-jar-aot-stop");
        Runtime.getRuntime().addShutdownHook(orphaned);
        try {
            if (!awaitReady(server, log, System.nanoTime() + config.get(Settings.BOOT_TIMEOUT).toNanos()
                    + TRAINING_LIMIT.toNanos())) {
                throw new IOException("the application did not start in training: see " + log);
            }
        } finally {
            server.destroy();
            if (!server.waitFor(TRAINING_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(orphaned);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway.
            }
        }
        if (!Files.isRegularFile(output) || Files.size(output) == 0) {
            throw new IOException("the training handler wrote no AOT cache: see " + log);
        }
        Files.move(output, cacheFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Waits until the training server's log says its handler is ready (true), or it ended (false). */
    private static boolean awaitReady(Process server, Path log, long deadline)
            throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    if (lines.anyMatch(line -> READY.matcher(line).find())) {
                        return true;
                    }
                } catch (java.io.UncheckedIOException malformed) {
                    // A line cut in the middle of a character: read again.
                }
            }
            if (!server.isAlive()) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return false;
    }

    /** Extracts the Spring Boot application into {@code dir/extracted}, once. */
    private ForeignJar extract(String java) throws IOException, InterruptedException {
        if (!Files.isRegularFile(extractedJar())) {
            Path into = dir.resolve(EXTRACTED + ".tmp");
            deleteTree(into);
            Process tools = new ProcessBuilder(java, "-Djarmode=tools", "-jar", jar.path().toAbsolutePath().toString(),
                    "extract", "--destination", into.toString()).redirectErrorStream(true).start();
            String output = new String(tools.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (tools.waitFor() != 0 || !Files.isRegularFile(into.resolve(jar.path().getFileName()))) {
                throw new IOException("cannot extract " + jar.path().getFileName() + " (" + output + ")");
            }
            deleteTree(dir.resolve(EXTRACTED));
            Files.move(into, dir.resolve(EXTRACTED), StandardCopyOption.ATOMIC_MOVE);
        }
        return ForeignJar.inspect(extractedJar(), Optional.of(ForeignJar.Server.SPRING_BOOT));
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
