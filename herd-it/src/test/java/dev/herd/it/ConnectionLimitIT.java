package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import dev.herd.testkit.KeepAliveConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --max-connections}: a handler holding its limit accepts no more; the next connection waits
 * in the kernel's queue (nothing is accepted only to wait) and is served once a place frees.
 */
class ConnectionLimitIT {

    @Test
    void aConnectionBeyondTheLimitWaitsQueuedUntilAPlaceFrees() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("connection-limit", "--handlers", "1", "--threads", "1",
                "--warmup", "off", "--max-connections", "2")) {
            herd.awaitReady(1);
            KeepAliveConnection first = new KeepAliveConnection(herd.address());
            try (KeepAliveConnection second = new KeepAliveConnection(herd.address())) {
                assertThat(first.get("/").status()).isEqualTo(200);
                assertThat(second.get("/").status()).isEqualTo(200);

                CompletableFuture<HttpProbe.Reply> third = CompletableFuture.supplyAsync(() -> {
                    try {
                        return herd.get("/whoami");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                JsonNode waiting = herd.awaitHandlers("the third connection queued, not accepted", Duration.ofSeconds(10),
                        s -> s.path("address").path("queued").asLong() == 1
                                && s.path("handlers").path(0).path("accepts_deferred").asLong() > 0);
                assertThat(waiting.path("handlers").path(0).path("connections").asLong()).isEqualTo(2);
                assertThat(third).isNotDone();

                first.close();
                assertThat(third.get().status()).isEqualTo(200);
                assertThat(second.get("/").status()).as("the kept connection still serves").isEqualTo(200);
            }
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }
}
