package dev.herd.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A keep-alive client against a scripted server on loopback: when it reuses, reconnects, fails. */
class KeepAliveConnectionTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Herd-Slot: 3\r\n\r\nok";
    private static final String OK_CLOSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    private final ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final LongAdder opened = new LongAdder();
    private final LongAdder idleCloses = new LongAdder();

    KeepAliveConnectionTest() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    private KeepAliveConnection client() {
        return new KeepAliveConnection(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), opened,
                idleCloses);
    }

    /**
     * Serves one connection: answers each request with the next of {@code answers}, then closes it.
     * Completes once the connection is closed.
     */
    private CompletableFuture<Void> serveOne(String... answers) {
        return CompletableFuture.runAsync(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                for (String answer : answers) {
                    requests.add(readHead(in));
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("client closed");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void requestsFollowEachOtherOnOneConnectionUntilTheServerSaysClose() throws Exception {
        CompletableFuture<Void> first = serveOne(OK, OK, OK_CLOSE);
        try (KeepAliveConnection client = client()) {
            assertThat(client.get("/a").header("x-herd-slot")).contains("3");
            assertThat(client.get("/b").status()).isEqualTo(200);
            assertThat(client.get("/c").closes()).isTrue();
            first.join();
            CompletableFuture<Void> second = serveOne(OK);
            assertThat(client.get("/d").body()).isEqualTo("ok");
            second.join();
        }
        assertThat(requests).extracting(r -> r.lines().findFirst().orElseThrow())
                .containsExactly("GET /a HTTP/1.1", "GET /b HTTP/1.1", "GET /c HTTP/1.1", "GET /d HTTP/1.1");
        assertThat(opened.sum()).isEqualTo(2);
        assertThat(idleCloses.sum()).isZero();
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedBeforeTheNextRequest() throws Exception {
        CompletableFuture<Void> first = serveOne(OK);
        try (KeepAliveConnection client = client()) {
            assertThat(client.get("/a").status()).isEqualTo(200);
            first.join();
            // The server's close reaches the client before its next request is due.
            CompletableFuture<Void> second = serveOne(OK);
            Await.until("the client to see the close", Duration.ofSeconds(10), () -> {
                try {
                    return client.closedByServer();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(client.get("/b").status()).isEqualTo(200);
            second.join();
        }
        assertThat(opened.sum()).isEqualTo(2);
        assertThat(idleCloses.sum()).isEqualTo(1);
    }

    @Test
    void aServerThatClosesInsteadOfAnsweringFailsTheRequest() {
        CompletableFuture<Void> silent = serveOne();
        try (KeepAliveConnection client = client()) {
            assertThatThrownBy(() -> client.get("/a")).isInstanceOf(IOException.class)
                    .hasMessageContaining("without answering GET /a");
        }
        silent.join();
    }

    @Test
    void oneResponseIsReadOffAStreamThatGoesOn() throws IOException {
        InputStream in = new ByteArrayInputStream((OK + OK_CLOSE).getBytes(StandardCharsets.ISO_8859_1));

        HttpProbe.Reply first = HttpProbe.read(in).orElseThrow();
        HttpProbe.Reply second = HttpProbe.read(in).orElseThrow();

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("ok");
        assertThat(first.header("X-HERD-SLOT")).contains("3");
        assertThat(first.header("Slot")).isEmpty();
        assertThat(first.closes()).isFalse();
        assertThat(second.closes()).isTrue();
        assertThat(HttpProbe.read(in)).isEmpty();
    }

    @Test
    void aStreamEndingInsideAResponseFails() {
        assertThatThrownBy(() -> HttpProbe.read(new ByteArrayInputStream("HTTP/1.1 200 OK\r\nContent-Le"
                .getBytes(StandardCharsets.ISO_8859_1)))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> HttpProbe.read(new ByteArrayInputStream(OK.substring(0, OK.length() - 1)
                .getBytes(StandardCharsets.ISO_8859_1)))).isInstanceOf(EOFException.class)
                .hasMessageContaining("1 of 2 body bytes");
    }
}
