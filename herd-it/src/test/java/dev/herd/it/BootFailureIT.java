package dev.herd.it;

import dev.herd.os.ExitCode;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Handlers that cannot boot make the spawner stop with its documented exit code, not loop. */
class BootFailureIT {

    @Test
    void handlersThatFailAtBootStopTheSpawnerWithExitCode3() {
        try (HerdProcess herd = HerdProcess.serve("boot-failure", "--handlers", "2",
                "--handler-jvm-opts", "-XX:+NoSuchJvmOption", "--max-boot-failures", "3")) {
            int status = herd.awaitExit(Duration.ofSeconds(60));
            assertThat(status).isEqualTo(ExitCode.BOOT_FAILURE.status());
            assertThat(herd.output())
                    .contains("Unrecognized VM option 'NoSuchJvmOption'")
                    .contains("before it was ready (3 boot failures in a row)")
                    .contains("handlers failed to boot 3 times in a row; stopping");
            long spawns = herd.lines().stream().filter(l -> l.contains("spawned handler")).count();
            assertThat(spawns).as("spawns before giving up").isBetween(3L, 4L);
        }
    }
}
