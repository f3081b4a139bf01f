package dev.herd.it;

import dev.herd.os.ExitCode;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin endpoints with a token: 401 without it or with a wrong one, 200 with it as Bearer or
 * as the Basic password, the probes {@code /livez} and {@code /readyz} without it; the commands send it from {@code --admin-token} or
 * {@code $HERD_ADMIN_TOKEN}; it shows in no process's command line; and an admin address beyond
 * loopback without a token is refused at start.
 */
class AdminTokenIT {
    private static final String TOKEN = "Zm9yLXRoZS10ZXN0LW9ubHktMzItYnl0ZXM";

    @Test
    void theAdminAnswersOnlyTheHoldersOfItsToken(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
        try (HerdProcess herd = HerdProcess.serve("admin-token", "--handlers", "1", "--warmup", "off",
                "--admin-token", "file:" + file).useAdminToken(TOKEN);
             HttpClient http = HttpClient.newHttpClient()) {
            herd.awaitLine("ready ", HerdProcess.START_TIMEOUT);
            URI status = URI.create("http://" + herd.adminAddress() + "/status.json");

            HttpResponse<String> none = http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Basic realm="));
            assertThat(send(http, status, "Bearer not-the-token")).isEqualTo(401);
            assertThat(send(http, URI.create("http://" + herd.adminAddress() + "/stop"), null)).isEqualTo(401);
            assertThat(send(http, status, "Bearer " + TOKEN)).isEqualTo(200);
            assertThat(send(http, status, "Basic " + Base64.getEncoder()
                    .encodeToString(("admin:" + TOKEN).getBytes(StandardCharsets.UTF_8)))).isEqualTo(200);
            assertThat(send(http, URI.create("http://" + herd.adminAddress() + "/metrics"), "Bearer " + TOKEN))
                    .isEqualTo(200);
            // An orchestrator's probes carry no secret: they learn only whether herd is live and ready.
            assertThat(send(http, URI.create("http://" + herd.adminAddress() + "/livez"), null)).isEqualTo(200);
            assertThat(send(http, URI.create("http://" + herd.adminAddress() + "/readyz"), null)).isEqualTo(200);

            HerdProcess.CliResult refused = herd.cli("status");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).contains("admin endpoint answered 401");
            assertThat(herd.cli("status", "--admin-token", "file:" + file).status()).isZero();
            assertThat(HerdProcess.command(Map.of("HERD_ADMIN_TOKEN", "file:" + file),
                    "status", "--admin", herd.adminAddress()).status()).isZero();
            HerdProcess.CliResult bad = herd.cli("status", "--admin-token", TOKEN);
            assertThat(bad.status()).isEqualTo(2);
            assertThat(bad.err()).contains("expected file:PATH or env:NAME");

            ProcessHandle spawner = ProcessHandle.of(herd.spawnerPid()).orElseThrow();
            assertThat(java.util.stream.Stream.concat(java.util.stream.Stream.of(spawner), spawner.descendants()))
                    .allSatisfy(p -> assertThat(Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"))
                            .replace('\0', ' ')).doesNotContain(TOKEN));
            assertThat(herd.output()).doesNotContain(TOKEN).contains("(token required)");
        }
    }

    @Test
    void aTokenFromTheEnvironmentIsWithheldFromTheHandlers() throws Exception {
        try (HerdProcess herd = HerdProcess.serveWithEnvironment("admin-token-env", Map.of("HERD_TEST_TOKEN", TOKEN),
                "--handlers", "1", "--warmup", "off", "--admin-token", "env:HERD_TEST_TOKEN").useAdminToken(TOKEN)) {
            long handler = HerdProcess.readyPids(herd.awaitReady(1).status()).getFirst();
            assertThat(Files.readString(Path.of("/proc/" + herd.spawnerPid() + "/environ"))).contains(TOKEN);
            assertThat(Files.readString(Path.of("/proc/" + handler + "/environ"))).doesNotContain(TOKEN)
                    .doesNotContain("HERD_TEST_TOKEN=");
        }
    }

    @Test
    void anAdminAddressBeyondLoopbackWithoutATokenIsRefused() {
        try (HerdProcess herd = HerdProcess.serveExactly("admin-open", "--bind", "127.0.0.1:0", "--admin", "0.0.0.0:0")) {
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCode.CONFIG.status());
            assertThat(herd.output()).contains("--admin 0.0.0.0:0 (command line) is not a loopback address: "
                    + "give --admin-token file:PATH or env:NAME too");
        }
    }

    private static int send(HttpClient http, URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (uri.getPath().equals("/stop")) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
