package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.os.Posix;
import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections waiting in the kernel's queue when the pool shrinks are served by the handlers that
 * stay: the queue belongs to the shared socket, not to a handler.
 */
class NothingQueuedIsLostIT {
    private static final int QUEUED = 40;

    @Test
    void connectionsQueuedDuringAScaleDownAreAllServed() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("nothing-queued-is-lost", "--handlers", "2")) {
            List<Long> handlers = HerdProcess.readyPids(herd.awaitReady(2).status());
            // Freeze both handlers so that new connections can only wait in the kernel's queue.
            handlers.forEach(HerdProcess::freeze);
            List<CompletableFuture<HttpProbe.Reply>> replies = new ArrayList<>();
            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            for (int i = 0; i < QUEUED; i++) {
                replies.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return herd.get("/whoami");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, clients));
            }
            JsonNode queued = herd.awaitHandlers(QUEUED + " connections queued", Duration.ofSeconds(10),
                    s -> s.path("address").path("queued").asLong() == QUEUED);
            assertThat(queued.path("address").path("queued").asLong()).isEqualTo(QUEUED);

            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://" + herd.adminAddress() + "/scale?handlers=1"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            assertThat(status).isEqualTo(202);
            Await.until("the shrink decided", Duration.ofSeconds(10),
                    () -> herd.output().contains("drains and exits: target is 1"));
            handlers.forEach(pid -> Posix.kill(pid, Signal.CONT.number()));

            for (CompletableFuture<HttpProbe.Reply> reply : replies) {
                assertThat(reply.get().status()).isEqualTo(200);
            }
            clients.close();
            herd.awaitHandlers("one handler left", Duration.ofSeconds(30),
                    s -> HerdProcess.allPids(s).size() == 1);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }
}
