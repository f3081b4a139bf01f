package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.os.Posix;
import dev.herd.os.Signal;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --accept reuseport}: each handler accepts from a socket of its own on the address, and
 * the spawner holds them all, so that connections queued on a dead handler's socket are served by
 * its replacement instead of being lost.
 */
class ReusePortIT {
    private static final int CONNECTIONS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aReplacementServesTheConnectionsQueuedOnItsPredecessorsSocket() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("reuseport", "--accept", "reuseport", "--handlers", "2",
                "--warmup", "off")) {
            List<Long> pids = HerdProcess.readyPids(herd.awaitReady(2).status());
            assertThat(pids.stream().map(ReusePortIT::standardInput).distinct())
                    .as("the handlers' listening sockets").hasSize(2).allMatch(s -> s.startsWith("socket:["));
            assertThat(herd.output()).contains("each with a socket of its own (SO_REUSEPORT)");

            long victim = pids.getFirst();
            String victimSocket = standardInput(victim);
            // Killed once the spawner counts it as booted, or the kill would be a failed boot.
            herd.awaitLine("(pid " + victim + ", generation 1) ready", Duration.ofSeconds(10));
            HerdProcess.freeze(victim);
            List<CompletableFuture<HttpProbe.Reply>> replies = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < CONNECTIONS; i++) {
                    replies.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return herd.get("/whoami");
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, clients));
                }
                // The kernel hashed some of them to the stopped handler's socket: they wait there.
                JsonNode waiting = herd.awaitHandlers("connections queued on the stopped handler's socket",
                        Duration.ofSeconds(10), s -> s.path("address").path("queued").asLong() > 0);
                long queued = waiting.path("address").path("queued").asLong();
                Posix.kill(victim, Signal.KILL.number());

                Set<Long> answeredBy = new HashSet<>();
                for (CompletableFuture<HttpProbe.Reply> reply : replies) {
                    HttpProbe.Reply r = reply.get();
                    assertThat(r.status()).isEqualTo(200);
                    answeredBy.add(JSON.readTree(r.body()).get("pid").asLong());
                }
                List<Long> now = HerdProcess.readyPids(herd.awaitReady(2).status());
                long replacement = now.stream().filter(p -> !pids.contains(p)).findFirst().orElseThrow();
                assertThat(answeredBy).as("%d were queued on the stopped handler's socket", queued)
                        .contains(replacement).doesNotContain(victim);
                assertThat(standardInput(replacement)).as("the socket it was given").isEqualTo(victimSocket);
            }
            assertThat(herd.unexpectedProblems("was killed by SIGKILL unexpectedly")).isEmpty();
        }
    }

    @Test
    void aSocketHandedOverBySystemdServesIfItWasMadeToReuseItsPort() throws Exception {
        try (HerdProcess herd = HerdProcess.activated("reuseport-systemd", "systemd-reuseport",
                "--accept", "reuseport", "--handlers", "2", "--warmup", "off")) {
            List<Long> pids = HerdProcess.readyPids(herd.awaitReady(2).status());
            assertThat(pids.stream().map(ReusePortIT::standardInput).distinct()).hasSize(2);
            assertThat(herd.get("/").status()).isEqualTo(200);
            assertThat(herd.status().path("address").path("origin").asText()).isEqualTo("systemd");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
        try (HerdProcess herd = HerdProcess.activated("reuseport-systemd-refused", "systemd",
                "--accept", "reuseport", "--handlers", "2")) {
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(herd.awaitLine("--accept reuseport: ", Duration.ofSeconds(10))).contains(
                    "the socket the OS handed over (systemd) was not made with SO_REUSEPORT (systemd: ReusePort=yes)");
        }
    }

    /** What a handler's fd 0 is: "socket:[inode]". */
    private static String standardInput(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "fd", "0")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
