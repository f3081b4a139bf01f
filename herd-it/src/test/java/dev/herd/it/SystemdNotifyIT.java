package dev.herd.it;

import dev.herd.os.Signal;
import dev.herd.os.SystemdNotify;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * herd under a service manager: a test socket plays systemd's notification socket and receives
 * READY=1 once the handlers accept, RELOADING=1 and READY=1 around a SIGHUP reload, WATCHDOG=1
 * while the spawner runs, and STOPPING=1 on SIGTERM.
 */
class SystemdNotifyIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theServiceManagerHearsEachStateChange(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify");
        try (SystemdNotify.Receiver manager = SystemdNotify.receiveAt(socket);
             HerdProcess herd = HerdProcess.serveWithEnvironment("systemd-notify",
                     Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "2000000"),
                     "--handlers", "2", "--warmup", "off")) {
            List<String> heard = new ArrayList<>();
            String ready = awaitMessage(manager, heard, "READY=1");
            herd.awaitReady(2);
            assertThat(ready).contains("MAINPID=" + herd.spawnerPid()).contains("with 2 handlers");
            assertThat(heard).as("nothing before READY=1 but the watchdog").allMatch(m -> m.equals("WATCHDOG=1")
                    || m.startsWith("READY=1"));

            herd.signalSpawner(Signal.HUP);
            assertThat(awaitMessage(manager, heard, "RELOADING=1")).containsPattern("MONOTONIC_USEC=\\d+");
            assertThat(awaitMessage(manager, heard, "READY=1")).contains("generation 2 serving");
            assertThat(heard).contains("WATCHDOG=1");

            herd.signalSpawner(Signal.TERM);
            assertThat(awaitMessage(manager, heard, "STOPPING=1")).contains("STATUS=stopping: SIGTERM");
            assertThat(herd.awaitExit(WAIT)).isZero();
        }
    }

    /** The next message that starts with {@code prefix}, noting every message heard on the way. */
    private static String awaitMessage(SystemdNotify.Receiver manager, List<String> heard, String prefix) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> message = manager.receive(Duration.ofNanos(deadline - System.nanoTime()));
            if (message.isEmpty()) {
                break;
            }
            heard.add(message.get());
            if (message.get().startsWith(prefix)) {
                return message.get();
            }
        }
        throw new AssertionError("no " + prefix + " within " + WAIT.toSeconds() + " s; heard " + heard);
    }
}
