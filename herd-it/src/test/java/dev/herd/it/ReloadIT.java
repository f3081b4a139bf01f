package dev.herd.it;

import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.ClientLoad;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zero-downtime reloads on the real spawner: a new generation of handlers boots beside the
 * serving one, takes over, and the old one drains, while clients keep sending; a new application
 * jar is picked up; a generation that cannot boot leaves the old one serving.
 */
class ReloadIT {
    private static final Path TESTAPPS = Path.of("../herd-testapps/target/testapps.jar");
    private static final String VERSION_APP = "dev.herd.testapps.VersionApp";
    private static final Duration RELOAD = Duration.ofSeconds(60);

    @Test
    void reloadsUnderLoadWithoutAFailedRequestAndTheServedGenerationChanges() {
        try (HerdProcess herd = HerdProcess.serve("reload-load", "--handlers", "2")) {
            herd.awaitReady(2);
            ClientLoad load = ClientLoad.start(herd.address(), "/", 4, Long.MAX_VALUE);
            ClientLoad keptAlive = ClientLoad.keepAlive(herd.address(), "/sleep?ms=2", 4, "X-Herd-Generation");
            try {
                Await.until("requests before the reload", RELOAD, () -> load.succeeded() >= 200);

                HerdProcess.CliResult reload = herd.cli("reload");
                assertThat(reload.status()).as(reload.err()).isZero();
                assertThat(reload.out()).containsPattern("reloaded: generation 2 serves \\(\\d+ ms\\)");
                awaitOnly(herd, 2);
                long afterFirst = load.succeeded();
                Await.until("requests after the reload", RELOAD, () -> load.succeeded() >= afterFirst + 200);

                herd.signalSpawner(Signal.HUP);
                awaitOnly(herd, 3);
                long afterSecond = load.succeeded();
                Await.until("requests after SIGHUP", RELOAD, () -> load.succeeded() >= afterSecond + 200
                        && keptAlive.tally().getOrDefault("3", 0L) >= 200);
            } finally {
                load.stop();
                keptAlive.stop();
            }

            assertThat(load.failures()).isEmpty();
            assertThat(keptAlive.failures()).isEmpty();
            // Each generation served the keep-alive clients in turn: draining handlers asked them to reconnect.
            assertThat(keptAlive.tally().keySet()).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(whoamiGeneration(herd)).isEqualTo(3);
            assertThat(herd.status().path("generation").asInt()).isEqualTo(3);
            assertThat(herd.output()).contains("SIGHUP: starting generation 3");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void aNewApplicationJarIsPickedUpAndOneThatCannotBootLeavesTheOldServing(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("app.jar");
        deploy(jar, versionJar(dir, "one", true));
        try (HerdProcess herd = HerdProcess.serve("reload-jar", "--handlers", "2", "--app", VERSION_APP,
                "--classpath", jar.toString())) {
            herd.awaitReady(2);
            assertThat(herd.get("/version").body()).isEqualTo("version one, generation 1\n");

            ClientLoad load = ClientLoad.start(herd.address(), "/version", 2, Long.MAX_VALUE);
            try {
                deploy(jar, versionJar(dir, "two", true));
                HerdProcess.CliResult reload = herd.cli("reload");
                assertThat(reload.status()).as(reload.err()).isZero();
                awaitOnly(herd, 2);
                assertThat(herd.get("/version").body()).isEqualTo("version two, generation 2\n");

                // A jar without the application: the new generation fails its boot, the old serves on.
                deploy(jar, versionJar(dir, "three", false));
                HerdProcess.CliResult failed = herd.cli("reload");
                assertThat(failed.status()).isEqualTo(1);
                assertThat(failed.err()).contains("herd reload: failed: handler")
                        .contains("before it was ready; generation 2 keeps serving");
                long after = load.succeeded();
                Await.until("requests after the failed reload", RELOAD, () -> load.succeeded() >= after + 50);
            } finally {
                load.stop();
            }
            assertThat(load.failures()).isEmpty();
            assertThat(herd.get("/version").body()).isEqualTo("version two, generation 2\n");
            assertThat(herd.status().path("generation").asInt()).isEqualTo(2);
            assertThat(herd.unexpectedProblems("reload to generation 3 failed", "boot failed",
                    "ClassNotFoundException", "dev.herd.testapps.VersionApp")).isEmpty();
        }
    }

    @Test
    void aReloadReadsTheConfigurationFileAgainAndRefusesABadEdit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("herd.toml");
        Files.writeString(file, "scaling = \"static\"\nhandlers = 1\n");
        try (HerdProcess herd = HerdProcess.serve("reload-config", "--config", file.toString())) {
            herd.awaitReady(1);

            Files.writeString(file, "scaling = \"static\"\nhandlers = 2\nthreads = 3\n");
            HerdProcess.CliResult reload = herd.cli("reload");
            assertThat(reload.status()).as(reload.err()).isZero();
            assertThat(reload.out()).contains("ignored: --threads 3 needs a restart; auto still applies");
            herd.awaitHandlers("two handlers of generation 2", RELOAD, s -> s.path("generation").asInt() == 2
                    && HerdProcess.readyPids(s).size() == 2
                    && s.path("handlers").findValues("generation").stream().allMatch(g -> g.asInt() == 2));

            Files.writeString(file, "scaling = \"static\"\nhandlers = \"two\"\n");
            HerdProcess.CliResult refused = herd.cli("reload");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).contains("herd reload: failed: invalid configuration: " + file
                    + ":2: handlers = \"two\": expected an integer from 1 to 512; generation 2 keeps serving");
            assertThat(herd.status().path("generation").asInt()).isEqualTo(2);
            assertThat(herd.get("/").status()).isEqualTo(200);
            assertThat(herd.unexpectedProblems("reload: --threads 3 needs a restart", "reload refused")).isEmpty();
        }
    }

    /** Waits until every handler alive is of {@code generation}: the new one serves, the old one has drained. */
    private static void awaitOnly(HerdProcess herd, int generation) {
        herd.awaitHandlers("only generation " + generation, RELOAD, s -> {
            List<Integer> generations = s.path("handlers").findValues("generation").stream().map(n -> n.asInt()).toList();
            return s.path("generation").asInt() == generation && !generations.isEmpty()
                    && generations.stream().allMatch(g -> g == generation);
        });
    }

    private static int whoamiGeneration(HerdProcess herd) {
        try {
            String body = herd.get("/whoami").body();
            return Integer.parseInt(body.replaceAll("(?s).*\"generation\":\\s*(\\d+).*", "$1"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Replaces the deployed jar in one rename, as a deploy should: handlers still running keep the old file. */
    private static void deploy(Path jar, Path built) throws IOException {
        Files.move(built, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A jar with {@code version.txt} saying {@code version}, and the application class if {@code withApp}. */
    private static Path versionJar(Path dir, String version, boolean withApp) throws IOException {
        Path jar = dir.resolve("app-" + version + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             ZipFile testapps = new ZipFile(TESTAPPS.toFile())) {
            out.putNextEntry(new JarEntry("version.txt"));
            out.write(version.getBytes(StandardCharsets.UTF_8));
            if (withApp) {
                String entry = VERSION_APP.replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = testapps.getInputStream(testapps.getEntry(entry))) {
                    in.transferTo(out);
                }
            }
        }
        return jar;
    }
}
