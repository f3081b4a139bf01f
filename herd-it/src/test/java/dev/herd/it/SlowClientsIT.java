package dev.herd.it;

import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow clients over real sockets: a hundred connections trickle their heads a byte at a time and
 * fifty stall in their bodies, against one handler with one event loop. Meanwhile a fresh request
 * is answered; then every slow client gets 408 and the end of its connection, within its deadline
 * and the sweep's period.
 */
class SlowClientsIT {
    private static final int TRICKLING_HEADS = 100;
    private static final int STALLED_BODIES = 50;

    @Test
    void slowClientsAreAnswered408AndClosedWhileOthersAreServed() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("slow-clients", "--handlers", "1", "--threads", "1",
                "--warmup", "off", "--header-timeout", "2s", "--body-timeout", "2s");
             ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor()) {
            herd.awaitReady(1);
            InetSocketAddress address = (InetSocketAddress) herd.address();
            List<Socket> heads = new ArrayList<>();
            List<Socket> bodies = new ArrayList<>();
            try {
                for (int i = 0; i < TRICKLING_HEADS; i++) {
                    Socket s = connect(address);
                    send(s, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                    heads.add(s);
                }
                for (int i = 0; i < STALLED_BODIES; i++) {
                    Socket s = connect(address);
                    send(s, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nfirst bytes");
                    bodies.add(s);
                }
                // A byte every 100 ms on every trickling head still open: never silent, never done.
                Set<Socket> answered = ConcurrentHashMap.newKeySet();
                trickle.scheduleAtFixedRate(() -> heads.stream().filter(s -> !answered.contains(s))
                        .forEach(s -> sendQuietly(s, "a")), 100, 100, TimeUnit.MILLISECONDS);
                // Every slow client is read at once, so that each sees its answer before the
                // server's linger after it ends.
                List<Future<String>> headAnswers = new ArrayList<>();
                List<Future<String>> bodyAnswers = new ArrayList<>();
                try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                    heads.forEach(s -> headAnswers.add(readers.submit(() -> readToEnd(s, answered))));
                    bodies.forEach(s -> bodyAnswers.add(readers.submit(() -> readToEnd(s, answered))));

                    assertThat(herd.get("/").status()).as("a fresh request while they trickle").isEqualTo(200);

                    for (Future<String> answer : headAnswers) {
                        assertThat(answer.get()).as("a trickled head").startsWith("HTTP/1.1 408 ")
                                .containsIgnoringCase("connection: close");
                    }
                    for (Future<String> answer : bodyAnswers) {
                        assertThat(answer.get()).as("a stalled body").startsWith("HTTP/1.1 408 ")
                                .containsIgnoringCase("connection: close");
                    }
                }
            } finally {
                trickle.shutdownNow();
                for (Socket s : heads) {
                    s.close();
                }
                for (Socket s : bodies) {
                    s.close();
                }
            }
            assertThat(herd.get("/").status()).as("served after the slow clients").isEqualTo(200);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5_000);
        // Bounds every read: the 2 s deadlines, the sweep's period, and a margin for a busy machine.
        s.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    private static void sendQuietly(Socket s, String text) {
        try {
            send(s, text);
        } catch (IOException closedByTheServer) {
            // It was answered and closed: nothing more to trickle.
        }
    }

    /** Everything the server sends until it closes the connection; then {@code s} is in {@code done}. */
    private static String readToEnd(Socket s, Set<Socket> done) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } finally {
            done.add(s);
        }
    }
}
