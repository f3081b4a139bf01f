package dev.herd.it;

import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The well-known address can be handed over by the OS, or be a Unix-domain socket. */
class SocketHandoffIT {

    @ParameterizedTest
    @ValueSource(strings = {"systemd", "inetd"})
    void servesOnASocketHandedOverByTheOs(String mode) throws Exception {
        try (HerdProcess herd = HerdProcess.activated("handoff-" + mode, mode, "--handlers", "2")) {
            herd.awaitReady(2);
            HttpProbe.Reply reply = herd.get("/");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("Hello, World!");
            String origin = mode.equals("systemd") ? "systemd" : "inherited_stdin";
            assertThat(herd.status().path("address").path("origin").asText()).isEqualTo(origin);
            assertThat(herd.status().path("address").path("bind").asText())
                    .isEqualTo(herd.address().toString().replaceFirst("^/", ""));
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void servesOnAUnixDomainSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("herd.sock");
        try (HerdProcess herd = HerdProcess.serveExactly("unix-socket", "--bind", "unix:" + socket,
                "--admin", "127.0.0.1:0", "--handlers", "2")) {
            herd.awaitReady(2);
            assertThat(herd.get("/").body()).isEqualTo("Hello, World!");
            assertThat(herd.get("/whoami").body()).contains("\"pid\"");
            herd.signalSpawner(dev.herd.os.Signal.TERM);
            assertThat(herd.awaitExit(java.time.Duration.ofSeconds(30))).isZero();
            assertThat(Files.exists(socket)).as("socket file removed at exit").isFalse();
        }
    }
}
