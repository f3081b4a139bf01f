package dev.herd.it;

import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificates renewed without a restart, as certbot's deploy hook would: the files are replaced
 * and {@code herd reload} is asked. Under load from HTTP/1.1 keep-alive and HTTP/2 clients, the new
 * generation serves the new certificate and no request fails; a key that is not the certificate's
 * fails the reload with the reason, and the old generation keeps serving the old certificate.
 */
class TlsReloadIT {
    private static final Duration TOOL = Duration.ofSeconds(60);

    @Test
    void aRenewedCertificateIsServedAfterAReloadUnderLoadAndABrokenKeyIsRefused(@TempDir Path dir)
            throws Exception {
        Tools.require(Tools.Tool.TLS);
        TestCertificates certificates = new TestCertificates(dir);
        TestCertificates.Issued first = certificates.issue("first", "localhost", "first", false, 30);
        Path chain = dir.resolve("live.pem");
        Path key = dir.resolve("live.key");
        Files.copy(first.chain(), chain);
        Files.copy(first.key(), key);
        try (HerdProcess herd = HerdProcess.serve("tls-reload", "--handlers", "2", "--tls-cert", chain.toString(),
                "--tls-key", key.toString())) {
            herd.awaitReady(2);
            int port = ((InetSocketAddress) herd.address()).getPort();
            assertThat(subject(certificates, port)).isEqualTo("subject=O = first, CN = localhost");
            String notAfter = herd.status().at("/tls/certificates/0/not_after").asText();

            // Closed-loop clients for a few seconds each side of the reload: keep-alive HTTP/1.1 and HTTP/2.
            Process h1 = load(port, "--h1");
            Process h2 = load(port, "-m", "8");
            TestCertificates.Issued second = certificates.issue("second", "localhost", "second", false, 60);
            Thread.sleep(1_000);
            renew(second, chain, key);
            HerdProcess.CliResult reload = herd.cli("reload");
            assertThat(reload.status()).as(reload.err()).isZero();

            assertThat(finished(h1)).contains(" 0 failed, 0 errored, 0 timeout").doesNotContain("succeeded, 0 failed, 0 errored, 0 timeout\nstatus codes: 0 2xx");
            assertThat(finished(h2)).contains(" 0 failed, 0 errored, 0 timeout");
            assertThat(subject(certificates, port)).isEqualTo("subject=O = second, CN = localhost");
            assertThat(herd.status().at("/tls/certificates/0/not_after").asText()).isNotEqualTo(notAfter);

            // A key that is not the certificate's: refused with the reason, the second certificate serves on.
            TestCertificates.Issued third = certificates.issue("third", "localhost", "third", false, 90);
            Files.copy(third.chain(), chain, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(first.key(), key, StandardCopyOption.REPLACE_EXISTING);
            HerdProcess.CliResult refused = herd.cli("reload");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).contains(key.toString()).contains("this key is not the certificate's")
                    .contains("generation 2 keeps serving");
            assertThat(subject(certificates, port)).isEqualTo("subject=O = second, CN = localhost");
            assertThat(herd.status().path("generation").asInt()).isEqualTo(2);
            assertThat(herd.unexpectedProblems("reload refused")).isEmpty();
        }
    }

    /** What a deploy hook does: the new files over the old ones, each replaced whole. */
    private static void renew(TestCertificates.Issued next, Path chain, Path key) throws IOException {
        Files.copy(next.chain(), chain.resolveSibling("live.pem.new"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(next.key(), key.resolveSibling("live.key.new"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(chain.resolveSibling("live.pem.new"), chain, StandardCopyOption.ATOMIC_MOVE);
        Files.move(key.resolveSibling("live.key.new"), key, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Process load(int port, String... options) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("h2load", "-D", "6", "-c", "2"));
        command.addAll(List.of(options));
        command.add("https://127.0.0.1:" + port + "/");
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String finished(Process load) throws Exception {
        assertThat(load.waitFor(TOOL.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String output = new String(load.getInputStream().readAllBytes());
        assertThat(output).containsPattern("requests: \\d+ total, \\d+ started, \\d+ done, [1-9]\\d* succeeded");
        return output;
    }

    private static String subject(TestCertificates certificates, int port) {
        Tools.Result result = Tools.run(TOOL, "", "openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", "-CAfile", certificates.rootFile().toString());
        return result.lines().stream().filter(l -> l.startsWith("subject=")).findFirst().orElse(result.output());
    }
}
