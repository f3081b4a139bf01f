package dev.herd.it;

import dev.herd.os.ExitCode;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What the OS refuses the spawner at start gives one clear line and its own exit code. */
class StartFailureIT {

    @Test
    void aScoreboardTheOsRefusesIsOneLineAndExitCode5() {
        // A file size limit below the scoreboard's size: sizing its shared memory fails with EFBIG.
        try (HerdProcess herd = HerdProcess.serveWithLimit("start-failure", "--fsize=64")) {
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCode.NO_RESOURCES.status());
            assertThat(herd.lines()).filteredOn(line -> line.startsWith("herd: ")).singleElement().asString()
                    .matches("herd: cannot create the scoreboard \\(shared memory for \\d+ handler slots\\): "
                            + "ftruncate: File too large");
            assertThat(herd.lines()).noneMatch(line -> line.contains("Exception"));
        }
    }
}
