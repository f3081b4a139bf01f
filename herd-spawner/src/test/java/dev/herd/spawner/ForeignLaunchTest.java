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
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** How a handler of an existing server's jar (--jar) is started: the application's own JVM, given herd's socket. */
class ForeignLaunchTest {
    private static final String HERD = String.join(":", "/opt/herd/herd-cli-0.1.0.jar",
            "/opt/herd/herd-common-0.1.0.jar", "/opt/herd/herd-foreign-0.1.0.jar",
            "/work/herd/herd-spring-boot/target/classes", "/m2/io/netty/netty-common-4.2.18.Final.jar");

    @TempDir
    Path dir;

    @Test
    void aSpringBootHandlerRunsTheJarsOwnLauncherWithHerdsAutoConfigurationBesideIt() throws IOException {
        Path app = springBootJar();
        Config config = Config.builder().set(Settings.JAR, app.toString()).set(Settings.GRACEFUL_TIMEOUT, "20s")
                .programArgs(List.of("--spring.profiles.active=prod")).build();
        HandlerCommand command = new HandlerCommand("java", HandlerCommand.jvmOptions(config), HERD, config,
                Path.of("/proc/1/fd/5"), 42, Duration.ofSeconds(1), ForeignLaunch.of(config, HERD));

        List<String> line = command.forHandler(3, 2, false, 7);

        assertThat(String.join(" ", line)).isEqualTo(String.join(" ", List.of("java",
                Settings.FOREIGN_JVM_OPTS, "--enable-native-access=ALL-UNNAMED",
                "-Dloader.path=/work/herd/herd-spring-boot/target/classes",
                "-Dspring.lifecycle.timeout-per-shutdown-phase=20000ms",
                "-cp", app.toAbsolutePath() + ":/opt/herd/herd-foreign-0.1.0.jar:/opt/herd/herd-common-0.1.0.jar",
                "dev.herd.foreign.ForeignHandler", "slot=3", "generation=2", "scoreboard=/proc/1/fd/5",
                "spawner-pid=42", "heartbeat=1s", "standby=false", "spawned=7",
                "main=org.springframework.boot.loader.launch.PropertiesLauncher", "--", "--spring.profiles.active=prod")));
    }

    @Test
    void theUsersHandlerJvmOptionsReplaceTheDefaultsAndHerdsAotCacheIsNotOffered() throws IOException {
        Config config = Config.builder().set(Settings.JAR, springBootJar().toString())
                .set(Settings.HANDLER_JVM_OPTS, "-Xmx512m").build();
        assertThat(HandlerCommand.jvmOptions(config)).containsExactly("-Xmx512m");
    }

    @Test
    void herdWithoutItsForeignJarsSaysWhatToDo() throws IOException {
        Config config = Config.builder().set(Settings.JAR, springBootJar().toString()).build();
        assertThatIllegalStateException().isThrownBy(() -> ForeignLaunch.of(config, "/opt/herd/herd-cli-0.1.0.jar"))
                .withMessageContaining("herd's class path has no herd-foreign jar");
    }

    private Path springBootJar() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write(("Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\n"
                    + "Start-Class: com.example.Application\nSpring-Boot-Version: 4.0.7\n").getBytes());
        }
        return jar;
    }
}
