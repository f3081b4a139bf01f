package dev.herd.os;

import dev.herd.config.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ListeningSocketTest {

    @Test
    void portZeroIsResolvedToTheBoundPortAndConnectionsQueueUntilAccepted() throws IOException {
        try (ListeningSocket socket = ListeningSocket.bind(Address.parse("127.0.0.1:0"), 128)) {
            assertThat(socket.origin()).isEqualTo(ListeningSocket.Origin.BOUND);
            Address.Inet bound = (Address.Inet) socket.address();
            assertThat(bound.host().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(bound.port()).isPositive();
            assertThat(socket.inetAddress()).contains(new InetSocketAddress(bound.host(), bound.port()));
            assertThat(socket.queueDepth()).isEqualTo(new ListeningSocket.QueueDepth(0, 128));

            try (SocketChannel client = SocketChannel.open(new InetSocketAddress(bound.host(), bound.port()))) {
                assertThat(client.isConnected()).isTrue();
                // The handshake completes in the kernel; the connection waits in the accept queue.
                await(() -> socket.queueDepth().queued() == 1, "one queued connection");
                assertThat(socket.queueDepth()).isEqualTo(new ListeningSocket.QueueDepth(1, 128));
            }
        }
    }

    @Test
    void bindingATakenPortFailsWithTheOsReason() {
        try (ListeningSocket first = ListeningSocket.bind(Address.parse("127.0.0.1:0"), 16)) {
            Address taken = first.address();
            assertThatThrownBy(() -> ListeningSocket.bind(taken, 16))
                    .isInstanceOfSatisfying(OsException.class, e -> {
                        assertThat(e.call()).isEqualTo("bind");
                        assertThat(e.reason()).isEqualTo("Address already in use");
                        assertThat(e.getMessage()).contains("Address already in use");
                    });
        }
    }

    @Test
    void aUnixSocketIsBoundAndItsFileRemovedOnClose(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("herd.sock");
        ListeningSocket socket = ListeningSocket.bind(new Address.Unix(path), 16);
        try {
            assertThat(socket.address()).isEqualTo(new Address.Unix(path));
            assertThat(socket.inetAddress()).isEmpty();
            assertThat(socket.queueDepth()).isEqualTo(ListeningSocket.QueueDepth.UNKNOWN);
            assertThat(path).exists();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertThat(client.isConnected()).isTrue();
            }
        } finally {
            socket.close();
        }
        assertThat(path).doesNotExist();
        socket.close(); // a second close is harmless
    }

    @Test
    void aStaleUnixSocketFileIsReplaced(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("stale.sock");
        // The JDK's Unix server channel leaves its file behind on close, as a crashed server would.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();

        try (ListeningSocket socket = ListeningSocket.bind(new Address.Unix(path), 16);
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            assertThat(client.isConnected()).isTrue();
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void aUnixSocketFileOfALiveServerIsLeftAlone(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("live.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(path));

            assertThatThrownBy(() -> ListeningSocket.bind(new Address.Unix(path), 16))
                    .isInstanceOfSatisfying(OsException.class,
                            e -> assertThat(e.reason()).isEqualTo("Address already in use"));
            assertThat(path).exists();
        } finally {
            Files.deleteIfExists(path);
        }
    }

    @Test
    void aRegularFileAtTheUnixPathIsNotDeleted(@TempDir Path dir) throws IOException {
        Path path = Files.writeString(dir.resolve("data.sock"), "keep me");
        assertThatThrownBy(() -> ListeningSocket.bind(new Address.Unix(path), 16))
                .isInstanceOf(OsException.class);
        assertThat(path).hasContent("keep me");
    }

    @Test
    void ipv6LoopbackWhereAvailable() throws IOException {
        assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback on this machine");
        try (ListeningSocket socket = ListeningSocket.bind(Address.parse("[::1]:0"), 32)) {
            Address.Inet bound = (Address.Inet) socket.address();
            assertThat(bound.host().isLoopbackAddress()).isTrue();
            assertThat(bound.host().getAddress()).hasSize(16);
            assertThat(bound.port()).isPositive();
            assertThat(bound.toString()).startsWith("[").endsWith("]:" + bound.port());
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress(bound.host(), bound.port()))) {
                assertThat(client.isConnected()).isTrue();
                await(() -> socket.queueDepth().queued() == 1, "one queued connection");
            }
            assertThat(socket.queueDepth().backlog()).isEqualTo(32);
        }
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress("::1", 0));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Polls a condition the kernel makes true shortly, up to a generous deadline; never sleeps a fixed time. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}
