package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** How a handler of an existing server's jar (--jar) is started: the application's own JVM, given herd's socket. */
class ForeignLaunchTest {
    private static final String HERD = String.join(":", "/opt/herd/herd-cli-0.1.0.jar",
            "/opt/herd/herd-common-0.1.0.jar", "/opt/herd/herd-foreign-0.1.0.jar",
            "/work/herd/herd-spring-boot/target/classes", "/m2/io/netty/netty-common-4.2.18.Final.jar");
    private static final Path LIBRARY = Path.of("/proc/1/fd/9");

    @TempDir
    Path dir;

    @Test
    void aSpringBootHandlerRunsTheJarsOwnLauncherWithHerdsAutoConfigurationBesideIt() throws IOException {
        Path app = jar("Main-Class: org.springframework.boot.loader.launch.JarLauncher",
                "Start-Class: com.example.Application", "Spring-Boot-Version: 4.0.7");
        Config config = Config.builder().set(Settings.JAR, app.toString()).set(Settings.GRACEFUL_TIMEOUT, "20s")
                .programArgs(List.of("--spring.profiles.active=prod")).build();

        List<String> line = command(config).forHandler(3, 2, HandlerCommand.Role.ACCEPTING, 7, 8080);

        assertThat(String.join(" ", line)).isEqualTo(String.join(" ", List.of("java",
                Settings.FOREIGN_JVM_OPTS, "--enable-native-access=ALL-UNNAMED",
                "-Dherd.socket.library=/proc/1/fd/9",
                "-Dloader.path=/work/herd/herd-spring-boot/target/classes", "-Dherd.ready=application",
                "-Dspring.lifecycle.timeout-per-shutdown-phase=20000ms",
                "-cp", app.toAbsolutePath() + ":/opt/herd/herd-foreign-0.1.0.jar:/opt/herd/herd-common-0.1.0.jar",
                "dev.herd.foreign.ForeignHandler", "slot=3", "generation=2", "scoreboard=/proc/1/fd/5",
                "spawner-pid=42", "heartbeat=1s", "standby=false", "spawned=7",
                "main=org.springframework.boot.loader.launch.PropertiesLauncher", "--", "--spring.profiles.active=prod")));
        // Tomcat takes the inherited channel: the library only watches.
        assertThat(command(config).environment(8080)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "LD_PRELOAD", "/proc/1/fd/9", "HERD_SOCKET_FD", "0", "PORT", "8080"));
    }

    @Test
    void aMicronautHandlerIsGivenDescriptorZeroByItsConfiguration() throws IOException {
        Path app = jar("Main-Class: com.example.Application");
        addEntry(app, "io/micronaut/http/server/netty/NettyHttpServer.class");
        Config config = Config.builder().set(Settings.JAR, app.toString()).set(Settings.GRACEFUL_TIMEOUT, "5s").build();

        List<String> line = command(config).forHandler(0, 1, HandlerCommand.Role.ACCEPTING, 7, 8080);

        assertThat(line).contains("-Dmicronaut.server.netty.listeners.herd.fd=0",
                "-Dmicronaut.server.netty.listeners.herd.bind=false",
                "-Dmicronaut.lifecycle.graceful-shutdown.enabled=true", "main=com.example.Application");
        assertThat(command(config).environment(8080)).doesNotContainKey("HERD_SOCKET_ADOPT");
    }

    @Test
    void aQuarkusHandlerBindsHerdsPortAndTheLibraryAnswersWithHerdsSocket() throws IOException {
        Path app = jar("Main-Class: io.quarkus.bootstrap.runner.QuarkusEntryPoint");
        Config config = Config.builder().set(Settings.JAR, app.toString()).set(Settings.GRACEFUL_TIMEOUT, "5s").build();

        assertThat(command(config).forHandler(0, 1, HandlerCommand.Role.ACCEPTING, 7, 9000)).contains("-Dquarkus.http.port=9000",
                "-Dquarkus.shutdown.timeout=5000ms", "main=io.quarkus.bootstrap.runner.QuarkusEntryPoint");
        assertThat(command(config).environment(9000)).containsEntry("HERD_SOCKET_ADOPT", "1")
                .containsEntry("PORT", "9000");
    }

    @Test
    void aThinJarIsKnownByTheLibrariesItsClassPathNames() throws IOException {
        Path app = jar("Main-Class: com.example.Main", "Class-Path: libs/helidon-webserver-4.5.0.jar libs/x.jar");
        Config config = Config.builder().set(Settings.JAR, app.toString()).build();

        assertThat(command(config).forHandler(0, 1, HandlerCommand.Role.ACCEPTING, 7, 9000)).contains("-Dserver.port=9000");
    }

    @Test
    void anyOtherServerIsGivenHerdsPortInPortWhenNamedOther() throws IOException {
        Path app = jar("Main-Class: com.example.Main");
        Config config = Config.builder().set(Settings.JAR, app.toString()).set(Settings.JAR_SERVER, "other").build();

        assertThat(command(config).forHandler(0, 1, HandlerCommand.Role.ACCEPTING, 7, 9000)).contains("main=com.example.Main");
        assertThat(command(config).environment(9000)).containsEntry("HERD_SOCKET_ADOPT", "1")
                .containsEntry("PORT", "9000");
    }

    @Test
    void theUsersHandlerJvmOptionsReplaceTheDefaultsAndHerdsAotCacheIsNotOffered() throws IOException {
        Config config = Config.builder().set(Settings.JAR, jar("Main-Class: a.B", "Start-Class: c.D",
                "Spring-Boot-Version: 4.0.0").toString()).set(Settings.HANDLER_JVM_OPTS, "-Xmx512m").build();
        assertThat(HandlerCommand.jvmOptions(config)).containsExactly("-Xmx512m");
    }

    @Test
    void herdWithoutItsForeignJarsSaysWhatToDo() throws IOException {
        Config config = Config.builder().set(Settings.JAR, jar("Main-Class: a.B", "Start-Class: c.D",
                "Spring-Boot-Version: 4.0.0").toString()).build();
        assertThatIllegalStateException()
                .isThrownBy(() -> ForeignLaunch.of(config, "/opt/herd/herd-cli-0.1.0.jar", () -> LIBRARY, Map.of()))
                .withMessageContaining("herd's class path has no herd-foreign jar");
    }

    @Test
    void onceTheApplicationsAotCacheIsThereHandlersStartWithItAndASpringBootJarFromItsExtractedApplication()
            throws IOException {
        Path app = jar("Main-Class: org.springframework.boot.loader.launch.JarLauncher",
                "Start-Class: com.example.Application", "Spring-Boot-Version: 4.0.7");
        Config config = Config.builder().set(Settings.JAR, app.toString()).set(Settings.JAR_AOT, dir.toString()).build();
        ForeignLaunch launch = ForeignLaunch.of(config, HERD, () -> LIBRARY, Map.of()).orElseThrow();
        JarAotCache cache = launch.aot().orElseThrow();
        assertThat(cache.dir().getParent()).isEqualTo(dir);
        assertThat(launch.form().aotCache()).as("not trained yet").isEmpty();

        // What training leaves: the cache, and the application extracted beside it.
        Files.createDirectories(cache.dir().resolve("extracted"));
        Files.write(cache.cacheFile(), new byte[]{1});
        Path extracted = cache.dir().resolve("extracted").resolve(app.getFileName());
        Files.move(jar("Main-Class: com.example.Application", "Spring-Boot-Version: 4.0.7",
                "Class-Path: lib/spring-core.jar"), extracted);
        ForeignLaunch.Form form = launch.form();

        assertThat(launch.properties(config, 8080, form)).contains("-XX:AOTCache=" + cache.cacheFile())
                .noneMatch(p -> p.startsWith("-Dloader.path="));
        assertThat(launch.classPath(form)).isEqualTo(extracted.toAbsolutePath()
                + ":/opt/herd/herd-foreign-0.1.0.jar:/opt/herd/herd-common-0.1.0.jar:/work/herd/herd-spring-boot/target/classes");
        assertThat(launch.launcher(form)).isEqualTo("com.example.Application");
    }

    @Test
    void theCacheIsKeyedToTheJarsContentAndTheJvmOptionsAndOffMeansNone() throws IOException {
        Path app = jar("Main-Class: com.example.Main");
        Config config = Config.builder().set(Settings.JAR, app.toString()).set(Settings.JAR_SERVER, "other").build();
        var foreign = dev.herd.config.ForeignJar.inspect(app,
                java.util.Optional.of(dev.herd.config.ForeignJar.Server.OTHER));
        String key = JarAotCache.key(foreign, List.of("-Xmx64m"), List.of());
        assertThat(JarAotCache.key(foreign, List.of("-Xmx64m"), List.of())).isEqualTo(key);
        assertThat(JarAotCache.key(foreign, List.of("-Xmx128m"), List.of())).isNotEqualTo(key);
        Files.write(app, Files.readAllBytes(jar("Main-Class: com.example.Main", "Implementation-Version: 2")));
        assertThat(JarAotCache.key(foreign, List.of("-Xmx64m"), List.of())).as("a rebuilt jar").isNotEqualTo(key)
                .startsWith(app.getFileName().toString().replace(".jar", "") + "-");

        assertThat(JarAotCache.root("off", Map.of())).isEmpty();
        assertThat(JarAotCache.root("auto", Map.of("XDG_CACHE_HOME", "/var/cache/x"))).contains(Path.of("/var/cache/x/herd/jar-aot"));
        Config off = Config.builder().set(Settings.JAR, app.toString()).set(Settings.JAR_SERVER, "other")
                .set(Settings.JAR_AOT, "off").build();
        assertThat(ForeignLaunch.of(off, HERD, () -> LIBRARY, Map.of()).orElseThrow().aot()).isEmpty();
        assertThat(ForeignLaunch.of(config, HERD, () -> LIBRARY, Map.of()).orElseThrow().aot()).isPresent();
    }

    private static HandlerCommand command(Config config) {
        return new HandlerCommand("java", HandlerCommand.jvmOptions(config), HERD, config, Path.of("/proc/1/fd/5"), 42,
                Duration.ofSeconds(1), ForeignLaunch.of(config, HERD, () -> LIBRARY, Map.of()));
    }

    private Path jar(String... manifest) throws IOException {
        Path jar = Files.createTempFile(dir, "app", ".jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write(("Manifest-Version: 1.0\n" + String.join("\n", manifest) + "\n").getBytes());
        }
        return jar;
    }

    /** Rewrites {@code jar} with an empty {@code entry} beside its manifest. */
    private static void addEntry(Path jar, String entry) throws IOException {
        byte[] manifest;
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            manifest = file.getInputStream(file.getEntry("META-INF/MANIFEST.MF")).readAllBytes();
        }
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write(manifest);
            out.putNextEntry(new ZipEntry(entry));
        }
    }
}
