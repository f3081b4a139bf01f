package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.HandlerSettings;
import dev.herd.config.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How herd's own handler is started: on its part of the class path, warmed up as its role asks. */
class HandlerCommandTest {
    private static final String CLASS_PATH = String.join(":", "/opt/herd/herd-cli-0.1.0.jar",
            "/opt/herd/herd-spawner-0.1.0.jar", "/opt/herd/herd-common-0.1.0.jar", "/m2/picocli-4.7.7.jar",
            "/opt/herd/herd-handler-0.1.0.jar", "/opt/herd/herd-api-0.1.0.jar", "/m2/netty-common-4.2.18.Final.jar",
            "/m2/tomlj-2.2.0.jar");
    private static final Path HANDLER = Path.of("/opt/herd/herd-handler-0.1.0.jar");

    @Test
    void theHandlersClassPathIsItsJarAndTheJarsTheBuildListsInTheClassPathsOrder() {
        Set<String> needed = HandlerClassPath.names(
                "lib/herd-common-0.1.0.jar:lib/herd-api-0.1.0.jar:lib/netty-common-4.2.18.Final.jar\n");

        assertThat(needed).containsExactly("herd-common-0.1.0.jar", "herd-api-0.1.0.jar", "netty-common-4.2.18.Final.jar");
        assertThat(HandlerClassPath.within(CLASS_PATH, HANDLER, needed)).contains(String.join(":",
                "/opt/herd/herd-handler-0.1.0.jar", "/opt/herd/herd-common-0.1.0.jar", "/opt/herd/herd-api-0.1.0.jar",
                "/m2/netty-common-4.2.18.Final.jar"));
    }

    @Test
    void aListedJarMissingFromTheClassPathLeavesTheWholeClassPath() {
        Set<String> needed = HandlerClassPath.names("lib/herd-common-0.1.0.jar:lib/netty-buffer-4.2.18.Final.jar");

        assertThat(HandlerClassPath.within(CLASS_PATH, HANDLER, needed)).isEmpty();
        assertThat(HandlerClassPath.of(CLASS_PATH, new ClassLoader(null) { })).isEqualTo(CLASS_PATH);
    }

    @Test
    void aHandlerNeededAtOnceWarmsUpForAQuarterOfTheRoundsAndOthersForAllOfThem() {
        Config config = Config.builder().set(Settings.WARMUP, "200").build();

        assertThat(argument(command(config).forHandler(0, 1, HandlerCommand.Role.ACCEPTING, 7, 8080), "warmup"))
                .isEqualTo("200");
        assertThat(argument(command(config).forHandler(0, 1, HandlerCommand.Role.STANDBY, 7, 8080), "warmup"))
                .isEqualTo("200");
        List<String> replacement = command(config).forHandler(0, 1, HandlerCommand.Role.URGENT, 7, 8080);
        assertThat(argument(replacement, "warmup")).isEqualTo("50");
        assertThat(argument(replacement, HandlerSettings.STANDBY.name())).isEqualTo("false");
        assertThat(HandlerCommand.replacementWarmup(0)).isEqualTo("off");
        assertThat(HandlerCommand.replacementWarmup(3)).isEqualTo("1");
    }

    private static String argument(List<String> command, String name) {
        return command.stream().filter(a -> a.startsWith(name + "=")).map(a -> a.substring(name.length() + 1))
                .reduce((first, second) -> second).orElseThrow();
    }

    private static HandlerCommand command(Config config) {
        return new HandlerCommand("java", HandlerCommand.jvmOptions(config), CLASS_PATH, config, Path.of("/proc/1/fd/5"),
                42, Duration.ofSeconds(1), Optional.empty());
    }
}
