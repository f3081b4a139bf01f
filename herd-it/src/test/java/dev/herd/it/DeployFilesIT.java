package dev.herd.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files in {@code deploy/} pass their tools' own checks: systemd's units, the Kubernetes
 * manifests against the API's schemas, logrotate's configuration.
 */
class DeployFilesIT {

    @Test
    void theSystemdUnitsVerify(@TempDir Path dir) throws IOException {
        Tools.require(Tools.Tool.SYSTEMD);
        Path units = Tools.ROOT.resolve("deploy/systemd");
        // The unit runs herd from /opt/herd; systemd-analyze checks that the command exists.
        Files.writeString(dir.resolve("herd.service"), Files.readString(units.resolve("herd.service"))
                .replace("/opt/herd/herd", Tools.ROOT.resolve("herd").toString()));
        Files.copy(units.resolve("herd.socket"), dir.resolve("herd.socket"));

        Tools.Result verify = Tools.run(Duration.ofSeconds(60), null, "systemd-analyze", "verify",
                dir.resolve("herd.service").toString(), dir.resolve("herd.socket").toString());

        // Unknown keys and bad values are warnings with exit status 0: none may be printed.
        assertThat(verify.status()).as(verify.output()).isZero();
        assertThat(verify.output()).isBlank();
    }

    @Test
    void theKubernetesManifestsValidateAgainstTheApisSchemas() {
        Tools.require(Tools.Tool.NODE);
        Tools.Result modules = Tools.run(Duration.ofSeconds(30), null, "bash",
                Tools.ROOT.resolve("bench/kubernetes-models.sh").toString(), "--check");
        assertThat(modules.status()).as("the kubernetes-models npm package (./herd test-tools installs it): %s",
                modules.output()).isZero();
        String nodeModules = modules.output().strip().lines().reduce((first, last) -> last).orElseThrow();

        Tools.Result check = Tools.run(Duration.ofSeconds(60), null, "node",
                Tools.ROOT.resolve("deploy/kubernetes/check.mjs").toString(), nodeModules,
                Tools.ROOT.resolve("deploy/kubernetes/herd.yaml").toString());

        assertThat(check.status()).as(check.output()).isZero();
        assertThat(check.output()).contains("Deployment herd: valid").contains("Service herd: valid");
    }

    @Test
    void theLogrotateConfigurationReads(@TempDir Path dir) throws IOException {
        Tools.require(Tools.Tool.LOGROTATE);
        Path log = Files.writeString(dir.resolve("access.log"), "a line\n");
        Path config = Files.writeString(dir.resolve("herd"), Files.readString(Tools.ROOT.resolve("deploy/logrotate/herd"))
                .replace("/var/log/herd/access.log", log.toString()));

        // Debug mode reads the configuration and says what it would do, without doing it.
        Tools.Result check = Tools.run(Duration.ofSeconds(60), null, "logrotate", "--debug",
                "--state", dir.resolve("state").toString(), config.toString());

        assertThat(check.status()).as(check.output()).isZero();
        assertThat(check.output()).doesNotContainIgnoringCase("error").contains(log.toString());
    }
}
