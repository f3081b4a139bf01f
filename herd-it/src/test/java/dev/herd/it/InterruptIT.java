package dev.herd.it;

import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The first SIGINT drains; a second one stops at once, as an impatient Ctrl-C means. */
class InterruptIT {

    @Test
    void secondSigintKillsHandlersWithoutWaitingForTheirRequests() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("interrupt", "--handlers", "2")) {
            List<Long> handlers = HerdProcess.readyPids(herd.awaitReady(2).status());
            Thread slow = herd.requestInBackground("/sleep?ms=60000");
            long spawner = herd.spawnerPid();

            herd.signalSpawner(Signal.INT);
            Await.until("the graceful stop under way", Duration.ofSeconds(10),
                    () -> herd.output().contains("SIGINT: graceful stop of 2 handlers"));
            dev.herd.os.Posix.kill(spawner, Signal.INT.number());

            assertThat(herd.awaitExit(Duration.ofSeconds(10))).isZero();
            slow.join();
            assertThat(handlers).noneMatch(HerdProcess::alive);
            assertThat(herd.output()).contains("second SIGINT: killing");
        }
    }
}
