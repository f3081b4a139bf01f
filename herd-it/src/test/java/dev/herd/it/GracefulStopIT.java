package dev.herd.it;

import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM lets in-flight requests finish, then every process exits cleanly. */
class GracefulStopIT {

    @Test
    void sigtermFinishesTheRequestInFlightThenExitsZero() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("graceful-stop", "--handlers", "2")) {
            List<Long> handlers = HerdProcess.readyPids(herd.awaitReady(2).status());
            CompletableFuture<HttpProbe.Reply> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return herd.get("/sleep?ms=2000");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            herd.awaitHandlers("the sleep request in flight", Duration.ofSeconds(10),
                    s -> s.path("handlers").findValues("in_flight").stream().anyMatch(n -> n.asLong() == 1));

            herd.signalSpawner(Signal.TERM);

            HttpProbe.Reply reply = slow.get();
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("slept 2000 ms\n");
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isZero();
            Await.until("no handler process left", Duration.ofSeconds(5),
                    () -> handlers.stream().noneMatch(HerdProcess::alive));
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }
}
