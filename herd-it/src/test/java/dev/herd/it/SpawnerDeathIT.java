package dev.herd.it;

import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/** Handlers notice a dead spawner (parent-death signal) and exit, even when it died by SIGKILL. */
class SpawnerDeathIT {

    @Test
    void handlersExitWithinTwoSecondsOfSpawnerSigkill() {
        try (HerdProcess herd = HerdProcess.serve("spawner-death", "--handlers", "2")) {
            List<Long> handlers = HerdProcess.readyPids(herd.awaitReady(2).status());
            herd.signalSpawner(Signal.KILL);
            Await.until("every handler gone", Duration.ofSeconds(2),
                    () -> handlers.stream().noneMatch(HerdProcess::alive));
        }
    }

    @Test
    void aRequestInFlightDoesNotKeepAnOrphanedHandlerAlive() {
        try (HerdProcess herd = HerdProcess.serve("spawner-death-busy", "--handlers", "1")) {
            List<Long> handlers = HerdProcess.readyPids(herd.awaitReady(1).status());
            Thread slow = herd.requestInBackground("/sleep?ms=60000");
            herd.signalSpawner(Signal.KILL);
            Await.until("the busy handler gone", Duration.ofSeconds(2),
                    () -> handlers.stream().noneMatch(HerdProcess::alive));
            Await.until("the client released", Duration.ofSeconds(5), () -> !slow.isAlive());
        }
    }
}
