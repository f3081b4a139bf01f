package dev.herd.it;

import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code herd serve --config FILE}: the file's settings reach the spawner and the handlers. */
class ConfigFileIT {

    @Test
    void aConfigurationFileSetsThePoolAndTheHandlersLimits(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("herd.toml"), """
                # --handlers alone selects static scaling, from the file as from the command line
                handlers = 1
                max-body = "16b"
                """);
        try (HerdProcess herd = HerdProcess.serve("config-file", "--config", file.toString())) {
            herd.awaitReady(1);

            assertThat(herd.status().path("target_handlers").asInt()).isEqualTo(1);
            assertThat(herd.status().path("scaling").asText()).startsWith("static");
            assertThat(post(herd, "0123456789abcdef").status()).isEqualTo(200);
            assertThat(post(herd, "0123456789abcdefg").status()).isEqualTo(413);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private static HttpProbe.Reply post(HerdProcess herd, String body) throws IOException {
        return HttpProbe.exchange(herd.address(), "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body, Duration.ofSeconds(10));
    }
}
