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
import org.junit.jupiter.params.provider.ValueSource;

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
 * Unmodified Spring Boot applications on Tomcat and on Jetty (examples/spring-boot-tomcat and
 * spring-boot-jetty, executable jars as Spring Boot builds them) run by herd with {@code --jar}:
 * every handler is the application's own JVM, accepting on herd's one socket.
 */
class SpringBootIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"spring-boot-tomcat", "spring-boot-jetty"})
    void twoApplicationJvmsServeOneSocketAKilledOneIsReplacedAndAStopDrains(String example) throws Exception {
        try (HerdProcess herd = HerdProcess.serve(example, "--jar", jar(example), "--handlers", "2")) {
            herd.awaitHandlers("2 Spring Boot handlers ready", WAIT, s -> HerdProcess.readyPids(s).size() == 2);
            List<Long> pids = HerdProcess.readyPids(herd.status());
            Set<Long> answered = new HashSet<>();
            Await.until("both handlers answering", WAIT, () -> {
                answered.add(whoami(herd));
                return answered.containsAll(pids);
            });
            assertThat(herd.get("/?name=herd").body()).startsWith("Hello, herd, from Spring Boot");
            // What herd cannot know of an application's JVM is said so: null, not 0.
            var handler = herd.status().path("handlers").get(0);
            assertThat(handler.path("kind").asText()).isEqualTo("jar");
            assertThat(handler.path("requests").isNull()).isTrue();
            assertThat(handler.path("rss_bytes").asLong()).isPositive();
            assertThat(herd.cli("status").out()).containsPattern(" -  +- +- ");

            byte[] body = new byte[1024 * 1024];
            new java.util.Random(7).nextBytes(body);
            HttpProbe.Reply echo = HttpProbe.exchange(herd.address(), post("/echo", body), Duration.ofSeconds(30));
            assertThat(echo.status()).isEqualTo(200);
            assertThat(echo.body()).as("the 1 MiB body, back whole")
                    .isEqualTo(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));

            Posix.kill(pids.getFirst(), Signal.KILL.number());
            herd.awaitHandlers("a replacement for the killed handler", WAIT, s -> {
                List<Long> ready = HerdProcess.readyPids(s);
                return ready.size() == 2 && !ready.contains(pids.getFirst());
            });

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
            // closes the inherited channel, and herd kept the application's streams.
            assertThat(herd.output()).containsPattern("Started \\w*Application in").contains("Graceful shutdown complete");
            assertThat(herd.unexpectedProblems("was killed by SIGKILL unexpectedly")).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"spring-boot-tomcat", "spring-boot-jetty"})
    void scalesFromOneToThreeAndBackAndReloadsUnderLoadWithoutAFailedRequest(String example) {
        try (HerdProcess herd = HerdProcess.serve(example + "-load", "--jar", jar(example), "--handlers", "1")) {
            herd.awaitHandlers("1 Spring Boot handler ready", WAIT, s -> HerdProcess.readyPids(s).size() == 1);
            ClientLoad load = ClientLoad.start(herd.address(), "/", 4, Long.MAX_VALUE);
            try {
                Await.until("requests on one handler", WAIT, () -> load.succeeded() >= 100);
                assertThat(herd.cli("scale", "3").status()).isZero();
                herd.awaitHandlers("3 handlers ready", WAIT, s -> HerdProcess.readyPids(s).size() == 3);
                awaitMore(load, 100);
                assertThat(herd.cli("scale", "1").status()).isZero();
                herd.awaitHandlers("back to 1 handler", WAIT, s -> HerdProcess.allPids(s).size() == 1);
                awaitMore(load, 100);

                HerdProcess.CliResult reload = herd.cli("reload");
                assertThat(reload.status()).as(reload.err()).isZero();
                herd.awaitHandlers("only generation 2 left", WAIT, s -> HerdProcess.allPids(s).size() == 1
                        && s.path("handlers").findValues("generation").stream().allMatch(g -> g.asInt() == 2));
                awaitMore(load, 100);
            } finally {
                load.stop();
            }
            assertThat(load.failures()).isEmpty();
            assertThat(herd.unexpectedProblems()).isEmpty();
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
        assertRefused(plain.toString(), "herd cannot hand its socket to the server in");
    }

    private static String jar(String example) {
        return "../examples/" + example + "/target/" + example + ".jar";
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
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }
}
