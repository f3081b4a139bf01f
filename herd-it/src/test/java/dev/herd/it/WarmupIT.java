package dev.herd.it;

import dev.herd.os.Posix;
import dev.herd.os.Signal;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new handler warms up before it joins the accept race: at the start and after a respawn, its
 * application has received its own warm-up requests (and only those it listed) before the first
 * client's request reaches it.
 */
class WarmupIT {
    private static final String APP = "dev.herd.testapps.WarmedApp";

    @Test
    void aNewHandlerServesTheApplicationsWarmupRoundsBeforeItsFirstClientAndAReplacementAQuarterOfThem()
            throws Exception {
        try (HerdProcess herd = HerdProcess.serve("warmup", "--handlers", "1", "--threads", "2", "--warmup", "8",
                "--app", APP, "--classpath", ApplicationIT.CLASSPATH)) {
            long first = HerdProcess.readyPids(herd.awaitReady(1).status()).getFirst();
            // 8 rounds of the application's two requests, both with their bodies as the hook gave them.
            assertThat(herd.get("/warmed").body()).isEqualTo("16 warm-up requests, 8 bodies intact");
            assertWarmedBeforeReady(herd, first, "8 rounds, 56 requests (16 of the application's)");

            // Killed once the spawner counts it as booted, or the kill would be a failed boot.
            herd.awaitLine("(pid " + first + ", generation 1) ready", Duration.ofSeconds(10));
            Posix.kill(first, Signal.KILL.number());
            long second = HerdProcess.readyPids(herd.awaitHandlers("a warm replacement", Duration.ofSeconds(30),
                    s -> HerdProcess.readyPids(s).size() == 1 && !HerdProcess.allPids(s).contains(first))).getFirst();
            // The pool is short while it boots: a quarter of the rounds.
            assertThat(herd.get("/warmed").body()).isEqualTo("4 warm-up requests, 2 bodies intact");
            assertWarmedBeforeReady(herd, second, "2 rounds, 14 requests (4 of the application's)");
            assertThat(herd.output()).contains("needed at once (a short warm-up)");
            assertThat(herd.unexpectedProblems("was killed by SIGKILL unexpectedly")).isEmpty();
        }
    }

    @Test
    void withWarmupOffTheApplicationGetsNoInventedRequests() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("warmup-off", "--handlers", "1", "--warmup", "off",
                "--app", APP, "--classpath", ApplicationIT.CLASSPATH)) {
            herd.awaitReady(1);
            assertThat(herd.get("/warmed").body()).isEqualTo("0 warm-up requests, 0 bodies intact");
            assertThat(herd.output()).doesNotContain("warmed up");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    /** The handler's log says it warmed up, with every request answered, before it said ready. */
    private static void assertWarmedBeforeReady(HerdProcess herd, long pid, String rounds) {
        List<String> lines = herd.lines().stream().filter(l -> l.contains(" " + pid + "] ")).toList();
        int warmed = indexOf(lines, "warmed up in ");
        int ready = indexOf(lines, "ready: generation 1");
        assertThat(warmed).as("the warm-up line of handler %d", pid).isNotNegative().isLessThan(ready);
        assertThat(lines.get(warmed)).contains(rounds)
                .doesNotContain("failed");
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
