package dev.herd.it;

import dev.herd.os.ExitCode;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** An address that cannot be bound gives one clear line and exit code 2. */
class BindErrorIT {

    @Test
    void addressInUseIsOneLineAndExitCode2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             HerdProcess herd = HerdProcess.serveExactly("bind-error", "--bind", "127.0.0.1:" + taken.getLocalPort(),
                     "--admin", "off")) {
            assertThat(herd.awaitExit(Duration.ofSeconds(30))).isEqualTo(ExitCode.CONFIG.status());
            assertThat(herd.lines()).containsExactly(
                    "herd: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": bind: Address already in use");
        }
    }
}
