package dev.herd.os;

import dev.herd.config.Address;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PosixSpawnTest {
    private static final List<String> ENVIRONMENT = List.of("PATH=/usr/bin:/bin");

    @Test
    void aChildGetsEachSocketAtItsNumberAndNothingElse() {
        try (ListeningSocket first = ListeningSocket.bind(Address.parse("127.0.0.1:0"), 16);
             ListeningSocket second = ListeningSocket.bind(Address.parse("127.0.0.1:0"), 16)) {
            // Exit 0 only if fds 0 and 3 are sockets, and 4 (past the sockets) is not open.
            String script = "case $(readlink /proc/$$/fd/0) in socket:*) ;; *) exit 10;; esac; "
                    + "case $(readlink /proc/$$/fd/3) in socket:*) ;; *) exit 11;; esac; "
                    + "[ -e /proc/$$/fd/4 ] && exit 12; exit 0";
            long pid = Posix.spawn(List.of("/bin/sh", "-c", script), ENVIRONMENT, new int[] {first.fd(), second.fd()});
            assertThat(Posix.waitpid(pid)).isZero();
        }
    }

    @Test
    void theStatusSaysAnExitCodeOrTheSignal() {
        try (ListeningSocket socket = ListeningSocket.bind(Address.parse("127.0.0.1:0"), 16)) {
            long exited = Posix.spawn(List.of("/bin/sh", "-c", "exit 3"), ENVIRONMENT, new int[] {socket.fd()});
            assertThat(Posix.waitpid(exited)).isEqualTo(3);
            long killed = Posix.spawn(List.of("/bin/sh", "-c", "kill -TERM $$"), ENVIRONMENT, new int[] {socket.fd()});
            assertThat(Posix.waitpid(killed)).isEqualTo(128 + 15);
        }
    }

    @Test
    void aProgramThatIsNotThereIsAnError() {
        try (ListeningSocket socket = ListeningSocket.bind(Address.parse("127.0.0.1:0"), 16)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Posix.spawn(List.of("/nonexistent/java"),
                    ENVIRONMENT, new int[] {socket.fd()})).isInstanceOf(OsException.class);
        }
    }
}
