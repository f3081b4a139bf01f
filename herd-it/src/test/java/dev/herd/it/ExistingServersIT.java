package dev.herd.it;

import dev.herd.os.ExitCode;
import dev.herd.os.Posix;
import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.ClientLoad;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unmodified applications of the servers Java teams run (examples/: executable jars as each
 * framework builds them) run by herd with {@code --jar}: every handler is the application's own JVM,
 * accepting on herd's one socket, however the server gets it (the inherited channel, a descriptor by
 * configuration, or its own bind answered by libherd-socket).
 */
class ExistingServersIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path TESTAPPS = Path.of("../herd-testapps/target/testapps.jar").toAbsolutePath().normalize();
    private static final Pattern PID = Pattern.compile("\"pid\":\\s*(\\d+)");

    /**
     * @param greeting the start of {@code GET /?name=herd}'s answer
     * @param started  a line the application writes once it serves
     * @param stopped  a line it writes last, as it stops: it must reach herd's log (both patterns)
     */
    record Example(String name, String jar, String greeting, String started, String stopped, String... allowed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Example> examples() {
        return List.of(
                new Example("spring-boot-tomcat", example("spring-boot-tomcat"), "Hello, herd, from Spring Boot",
                        "Started \\w*Application in", "Graceful shutdown complete"),
                new Example("spring-boot-jetty", example("spring-boot-jetty"), "Hello, herd, from Spring Boot",
                        "Started \\w*Application in", "Graceful shutdown complete"),
                new Example("micronaut", example("micronaut"), "Hello, herd, from Micronaut",
                        "Startup completed in \\d+ms", "Application - stopped"),
                // As its threads end at the stop, Quarkus's thread pool (jboss-threads) reports that Java
                // 24+ closes the JDK internals it resets thread locals with: it asks for --add-opens,
                // which herd never adds. The application's own lines, and no request of its fails.
                new Example("quarkus", "../examples/quarkus/target/quarkus-app/quarkus-run.jar",
                        "Hello, herd, from Quarkus", "started in [\\d.]+s", "Greeting\\] \\(.*\\) stopped",
                        "^Exception in thread \"(executor-thread|vert\\.x-internal-blocking)-\\d+\" "),
                new Example("helidon-se", example("helidon-se"), "Hello, herd, from Helidon",
                        "Started all channels in", "Shutdown finished"),
                new Example("javalin", example("javalin"), "Hello, herd, from Javalin", "Javalin started in",
                        "Application - stopped"));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void servesFromSeveralJvmsReplacesAKilledOneScalesReloadsUnderLoadAndDrainsOnStop(Example example)
            throws Exception {
        // The application's AOT cache has a test of its own below.
        try (HerdProcess herd = HerdProcess.serve(example.name(), "--jar", example.jar(), "--handlers", "2",
                "--jar-aot", "off")) {
            List<Long> pids = awaitAllAnswering(herd, 2);
            assertThat(herd.get("/?name=herd").body()).startsWith(example.greeting());
            // What herd cannot know of an application's JVM is said so: null, not 0; its accepts
            // on herd's socket libherd-socket counts.
            var handler = herd.status().path("handlers").get(0);
            assertThat(handler.path("kind").asText()).isEqualTo("jar");
            assertThat(handler.path("requests").isNull()).isTrue();
            assertThat(handler.path("rss_bytes").asLong()).isPositive();
            Await.until("accepts counted", WAIT, () -> herd.status().path("handlers").findValues("accepts_won")
                    .stream().mapToLong(n -> n.asLong()).sum() >= 2);
            assertThat(herd.cli("status").out()).containsPattern(" -  +- +- ");

            byte[] body = new byte[1024 * 1024];
            new java.util.Random(7).nextBytes(body);
            HttpProbe.Reply echo = HttpProbe.exchangeOne(herd.address(), post("/echo", body), Duration.ofSeconds(30));
            assertThat(echo.status()).isEqualTo(200);
            assertThat(echo.body()).as("the 1 MiB body, back whole")
                    .isEqualTo(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));

            Posix.kill(pids.getFirst(), Signal.KILL.number());
            herd.awaitHandlers("a replacement for the killed handler", WAIT, s -> {
                List<Long> ready = HerdProcess.readyPids(s);
                return ready.size() == 2 && !ready.contains(pids.getFirst());
            });

            ClientLoad load = ClientLoad.start(herd.address(), "/", 4, Long.MAX_VALUE);
            try {
                awaitMore(load, 100);
                assertThat(herd.cli("scale", "3").status()).isZero();
                herd.awaitHandlers("3 handlers ready", WAIT, s -> HerdProcess.readyPids(s).size() == 3);
                awaitMore(load, 100);
                assertThat(herd.cli("scale", "1").status()).isZero();
                herd.awaitHandlers("down to 1 handler", WAIT, s -> HerdProcess.allPids(s).size() == 1);
                awaitMore(load, 100);
                HerdProcess.CliResult reload = herd.cli("reload");
                assertThat(reload.status()).as(reload.err()).isZero();
                herd.awaitHandlers("only generation 2 left", WAIT, s -> HerdProcess.allPids(s).size() == 1
                        && s.path("handlers").findValues("generation").stream().allMatch(g -> g.asInt() == 2));
                awaitMore(load, 100);
            } finally {
                load.stop();
            }
            assertThat(load.failures()).as("requests failed through scaling down and the reload").isEmpty();

            CompletableFuture<HttpProbe.Reply> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return herd.get("/sleep?ms=2000");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            herd.awaitLine("sleeping 2000 ms", WAIT);
            herd.signalSpawner(Signal.TERM);
            assertThat(inFlight.get().status()).as("the request in flight when the stop came").isEqualTo(200);
            assertThat(herd.awaitExit(WAIT)).isEqualTo(ExitCode.OK.status());

            // The servers' own lines, to their very last: the JDK detaches fds 1 and 2 when a server
            // closes the inherited channel, and libherd-socket kept them.
            assertThat(herd.output()).containsPattern(example.started()).containsPattern(example.stopped());
            List<String> allowed = new java.util.ArrayList<>(List.of(example.allowed()));
            allowed.add("was killed by SIGKILL unexpectedly");
            assertThat(herd.unexpectedProblems(allowed.toArray(String[]::new))).isEmpty();
        }
    }

    @Test
    void theApplicationsAotCacheIsTrainedOnFirstUseAndHandlersStartedAfterUseIt(@TempDir Path caches) throws Exception {
        try (HerdProcess herd = HerdProcess.serve("micronaut-aot", "--jar", example("micronaut"), "--handlers", "1",
                "--jar-aot", caches.toString())) {
            herd.awaitHandlers("1 handler ready", WAIT, s -> HerdProcess.readyPids(s).size() == 1);
            long first = HerdProcess.readyPids(herd.status()).getFirst();
            assertThat(commandLine(first)).as("the first handler, before any cache").doesNotContain("-XX:AOTCache=");
            herd.awaitLine("handlers started from now on use it", WAIT);

            assertThat(herd.cli("scale", "2").status()).isZero();
            herd.awaitHandlers("2 handlers ready", WAIT, s -> HerdProcess.readyPids(s).size() == 2);
            long second = HerdProcess.readyPids(herd.status()).stream().filter(pid -> pid != first).findFirst().orElseThrow();
            assertThat(commandLine(second)).contains("-XX:AOTCache=" + caches.toAbsolutePath());
            Set<Long> answered = new HashSet<>();
            Await.until("the new handler answering", WAIT, () -> {
                answered.add(whoami(herd));
                return answered.contains(second);
            });
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void herdTrainExtractsASpringBootJarAndItsHandlersRunTheExtractedApplicationFromTheCache(@TempDir Path caches)
            throws Exception {
        HerdProcess.CliResult train = HerdProcess.command(java.util.Map.of(), "train", "--jar", example("spring-boot-jetty"),
                "--jar-aot", caches.toString());
        assertThat(train.status()).as(train.err()).isZero();
        assertThat(train.out()).containsPattern("AOT cache of spring-boot-jetty.jar: .*app.aot \\(\\d+ MiB, trained in");

        try (HerdProcess herd = HerdProcess.serve("spring-boot-aot", "--jar", example("spring-boot-jetty"), "--handlers",
                "1", "--jar-aot", caches.toString())) {
            herd.awaitHandlers("1 handler ready", WAIT, s -> HerdProcess.readyPids(s).size() == 1);
            String line = commandLine(HerdProcess.readyPids(herd.status()).getFirst());
            assertThat(line).contains("-XX:AOTCache=", "/extracted/spring-boot-jetty.jar").doesNotContain("loader.path");
            assertThat(herd.get("/?name=herd").body()).startsWith("Hello, herd, from Spring Boot");
            // The JVM says so, and starts without it, when a cache does not fit the class path or options.
            assertThat(herd.output()).doesNotContain("error has occurred while processing the AOT cache")
                    .doesNotContain("[error][aot]");
        }
    }

    /** Waits until {@code handlers} are ready and each has answered {@code /whoami}; their pids. */
    private static List<Long> awaitAllAnswering(HerdProcess herd, int handlers) {
        herd.awaitHandlers(handlers + " handlers ready", WAIT, s -> HerdProcess.readyPids(s).size() == handlers);
        List<Long> pids = HerdProcess.readyPids(herd.status());
        Set<Long> answered = new HashSet<>();
        Await.until("every handler answering", WAIT, () -> {
            answered.add(whoami(herd));
            return answered.containsAll(pids);
        });
        return pids;
    }

    private static String commandLine(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }

    @Test
    void anyServerThatBindsHerdsPortServesOnHerdsSocketWhenNamedOther(@TempDir Path dir) throws Exception {
        Path jar = jar(dir.resolve("binding.jar"), "dev.herd.testapps.BindingServer");
        try (HerdProcess herd = HerdProcess.serve("binding-server", "--jar", jar.toString(), "--jar-server", "other",
                "--handlers", "2", "--jar-aot", "off")) {
            awaitAllAnswering(herd, 2);
            assertThat(herd.output()).contains("binding server: listening on");
            herd.signalSpawner(Signal.TERM);
            assertThat(herd.awaitExit(WAIT)).isEqualTo(ExitCode.OK.status());
            assertThat(herd.output()).contains("binding server: stopped");
        }
    }

    @Test
    void aServerOnAnotherPortThanHerdsFailsToBootWithItsReason(@TempDir Path dir) throws Exception {
        Path jar = jar(dir.resolve("binding.jar"), "dev.herd.testapps.BindingServer");
        int otherPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            otherPort = free.getLocalPort();
        }
        try (HerdProcess herd = HerdProcess.serve("other-port", "--jar", jar.toString(), "--jar-server", "other",
                "--handlers", "1", "--max-boot-failures", "2", "--jar-aot", "off", "--", Integer.toString(otherPort))) {
            assertThat(herd.awaitExit(WAIT)).isEqualTo(ExitCode.BOOT_FAILURE.status());
            assertThat(herd.output()).containsPattern("herd: the server listens on port \\d+, not on herd's port");
        }
    }

    private static void awaitMore(ClientLoad load, long requests) {
        long from = load.succeeded();
        Await.until(requests + " more requests", WAIT, () -> load.succeeded() >= from + requests);
    }

    @Test
    void aJarHerdCannotRunIsRefusedWithOneLine(@TempDir Path dir) throws IOException {
        Path library = jar(dir.resolve("library.jar"), null);
        Path plain = jar(dir.resolve("plain.jar"), "com.example.Main");

        assertRefused(dir.resolve("missing.jar").toString(), "is not a readable file");
        assertRefused(library.toString(), "is not an executable jar: its manifest has no Main-Class");
        assertRefused(plain.toString(), "herd does not know the server in");
    }

    private static String example(String name) {
        return "../examples/" + name + "/target/" + name + ".jar";
    }

    private static void assertRefused(String jar, String why) {
        HerdProcess.CliResult result = HerdProcess.command(java.util.Map.of(), "serve", "--jar", jar,
                "--bind", "127.0.0.1:0", "--admin", "off");
        assertThat(result.status()).as(result.err()).isEqualTo(ExitCode.CONFIG.status());
        assertThat(result.err()).contains("invalid value for --jar: ").contains(why);
    }

    private static long whoami(HerdProcess herd) {
        try {
            Matcher m = PID.matcher(herd.get("/whoami").body());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String post(String target, byte[] body) {
        return "POST " + target + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n" + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static Path jar(Path file, String mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, TESTAPPS.toUri().toString());
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }
}
