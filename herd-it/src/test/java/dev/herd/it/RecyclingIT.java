package dev.herd.it;

import dev.herd.testkit.Await;
import dev.herd.testkit.ClientLoad;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** --max-requests retires handlers again and again under load; the replacement comes first, nothing fails. */
class RecyclingIT {
    private static final int RECYCLES = 6;

    @Test
    void maxRequestsRecyclesHandlersManyTimesWithZeroFailedRequests() {
        try (HerdProcess herd = HerdProcess.serve("recycling", "--handlers", "2", "--max-requests", "50",
                "--max-requests-jitter", "10")) {
            herd.awaitReady(2);
            ClientLoad load = ClientLoad.start(herd.address(), "/", 8, Long.MAX_VALUE);
            try {
                Await.until(RECYCLES + " handlers retired and stopped", Duration.ofSeconds(120),
                        () -> stopped(herd) >= RECYCLES);
            } finally {
                load.stop();
            }

            assertThat(load.failures()).isEmpty();
            assertThat(load.succeeded()).isGreaterThan(RECYCLES * 50L);
            long retired = herd.lines().stream().filter(l -> l.contains("its replacement starts first")).count();
            assertThat(retired).as("handlers retired").isGreaterThanOrEqualTo(RECYCLES);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private static long stopped(HerdProcess herd) {
        return herd.lines().stream()
                .filter(l -> l.matches(".* stops: served \\d+ requests \\(limit \\d+\\); \\d+ others accept"))
                .count();
    }
}
