package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler out of file descriptors (EMFILE) stops accepting for a while, with a warning, instead
 * of spinning on the still-readable socket; it keeps serving the connections it has, and accepts
 * again once descriptors are free. Nothing queued is lost meanwhile.
 */
class OutOfFilesIT {
    /**
     * Room for the handler JVM's own descriptors (one per jar of this test's class path, about 50)
     * and about 250 connections. At 256, with the Prometheus client's jars added to the class
     * path, the connection this test writes to first was not answered; see the issue notes.
     */
    private static final int FILE_LIMIT = 320;
    private static final int CLIENTS = 400;

    @Test
    void emfilePausesAcceptingThenRecovers() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (HerdProcess herd = HerdProcess.serveWithFileLimit("out-of-files", FILE_LIMIT,
                "--handlers", "1", "--threads", "1", "--keepalive-timeout", "2m")) {
            herd.awaitReady(1);
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Socket s = new Socket();
                    s.connect(herd.address(), 5000);
                    s.setSoTimeout(30_000);
                    clients.add(s);
                }
                JsonNode starved = herd.awaitHandlers("accept errors from EMFILE", Duration.ofSeconds(30),
                        st -> st.path("handlers").get(0).path("accept_errors").asLong() > 0);
                long held = starved.path("handlers").get(0).path("connections").asLong();
                assertThat(held).isPositive().isLessThan(CLIENTS);
                Await.until("the EMFILE warning", Duration.ofSeconds(10),
                        () -> herd.output().contains("(OUT_OF_RESOURCES): Too many open files; not accepting for"));

                // The connections it holds are served while it cannot accept new ones.
                assertThat(exchange(clients.getFirst())).startsWith("HTTP/1.1 200");

                // Backing off, not spinning: a handful of failed accepts over a second, not thousands.
                long before = errors(herd);
                long start = System.nanoTime();
                Await.until("a second of starvation", Duration.ofSeconds(5),
                        () -> System.nanoTime() - start > Duration.ofSeconds(1).toNanos());
                assertThat(errors(herd) - before).isLessThan(50);

                // Connections that waited in the kernel's queue are served once descriptors are free.
                for (Socket s : clients.subList(0, (int) held)) {
                    s.close();
                }
                Socket waited = clients.getLast();
                assertThat(exchange(waited)).startsWith("HTTP/1.1 200");
                assertThat(herd.get("/").status()).isEqualTo(200);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            assertThat(herd.unexpectedProblems("Too many open files; not accepting for")).isEmpty();
        }
    }

    private static long errors(HerdProcess herd) {
        return herd.status().path("handlers").get(0).path("accept_errors").asLong();
    }

    /** One keep-alive request on an open connection; returns the response head. */
    private static String exchange(Socket s) throws IOException {
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: herd\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
