package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.os.Posix;
import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler that stops stamping heartbeats is dumped, killed and replaced. */
class HungHandlerIT {
    private static final String[] EXPECTED = {"missed heartbeats", "ms after its thread dump: SIGKILL",
        "was killed by SIGKILL"};

    @Test
    void stoppedHandlerIsDetectedKilledAndReplaced() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("hung-handler-stopped", "--handlers", "2", "--timeout", "2s")) {
            List<Long> before = HerdProcess.readyPids(herd.awaitReady(2).status());
            long victim = before.getFirst();
            Posix.kill(victim, Signal.STOP.number());

            JsonNode replaced = awaitReplacement(herd, victim);
            assertThat(HerdProcess.readyPids(replaced)).contains(before.get(1));
            assertThat(herd.output())
                    .containsPattern("\\(pid " + victim + ", generation 1\\) missed heartbeats for \\d+ ms \\(timeout 2000 ms\\)")
                    .contains("(pid " + victim + ", generation 1) still hung 1000 ms after its thread dump: SIGKILL");
            assertThat(herd.get("/").status()).isEqualTo(200);
            assertThat(herd.unexpectedProblems(EXPECTED)).isEmpty();
        }
    }

    /** One event loop stuck in application code is enough: the slot reports its oldest heartbeat. */
    @Test
    void loopStuckInApplicationCodeIsDumpedThenKilled() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("hung-handler-spinning", "--handlers", "1", "--timeout", "2s")) {
            long victim = HerdProcess.readyPids(herd.awaitReady(1).status()).getFirst();
            Thread spin = herd.requestInBackground("/spin?ms=60000");
            awaitReplacement(herd, victim);
            spin.join();
            assertThat(herd.output())
                    .as("the JVM's thread dump, printed on SIGQUIT before the kill")
                    .contains("Full thread dump")
                    .containsPattern("\"loop-\\d\"[^\\n]*\\n\\s+java.lang.Thread.State: RUNNABLE\\n(\\s+at [^\\n]+\\n)*?\\s+at dev.herd.handler.demo.DemoApp.spin");
            assertThat(herd.get("/").status()).isEqualTo(200);
            assertThat(herd.unexpectedProblems(EXPECTED)).isEmpty();
        }
    }

    private static JsonNode awaitReplacement(HerdProcess herd, long victim) {
        int expected = herd.status().path("target_handlers").asInt();
        JsonNode replaced = herd.awaitHandlers("a replacement for hung handler " + victim, Duration.ofSeconds(30),
                s -> HerdProcess.readyPids(s).size() == expected && !HerdProcess.allPids(s).contains(victim));
        Await.until("the hung handler gone", Duration.ofSeconds(5), () -> !HerdProcess.alive(victim));
        return replaced;
    }
}
