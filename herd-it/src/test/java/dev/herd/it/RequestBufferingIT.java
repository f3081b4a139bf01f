package dev.herd.it;

import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request buffering on the real spawner and two handlers: a hundred clients trickle request bodies
 * at a byte a second to code that blocks and whose threads or connections are few (an unmodified
 * JDK HttpServer program with four executor threads; a herd API application holding one of four
 * pooled connections per request). Fresh requests are answered within 200 ms each meanwhile,
 * since a body still arriving costs a connection and never a thread; the tricklers get 408 at
 * {@code --body-timeout} (they are far below {@code --body-min-rate}). With buffering off, the
 * same tricklers take the program's threads: the contrast shows what the test measures.
 */
class RequestBufferingIT {
    private static final int TRICKLERS = 100;
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(3);
    /** Each fresh request is answered within this, while the tricklers trickle. */
    private static final Duration FRESH = Duration.ofMillis(200);

    @Test
    void aJdkProgramsFourThreadsAreNeverHeldBySlowUploads() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("buffering-jdk", "--handlers", "2",
                "--body-timeout", BODY_TIMEOUT.toSeconds() + "s",
                "--main", "dev.herd.testapps.UploadProgram", "--classpath", ApplicationIT.CLASSPATH, "--", "8000")) {
            herd.awaitReady(2);
            trickleWhileFreshRequestsAreServed(herd, "/upload");
            assertThat(post(herd, "/upload", 300_000).body()).isEqualTo("received 300000 bytes\n");
            brokenBodiesAre400(herd);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    @Test
    void anApplicationsFourPooledConnectionsAreNeverHeldBySlowUploads() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("buffering-api", "--handlers", "2",
                "--body-timeout", BODY_TIMEOUT.toSeconds() + "s",
                "--app", "dev.herd.testapps.PooledApp", "--classpath", ApplicationIT.CLASSPATH)) {
            herd.awaitReady(2);
            trickleWhileFreshRequestsAreServed(herd, "/upload");
            assertThat(post(herd, "/upload", 200_000).body()).as("a body past the memory bound, from a file")
                    .isEqualTo("received 200000 bytes\n");
            assertThat(post(herd, "/stream", 5_000).body()).as("a body the application streams on purpose")
                    .isEqualTo("streamed 5000 bytes\n");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    /** Without buffering the program's threads read the trickled bodies: fresh requests wait for them. */
    @Test
    void withBufferingOffSlowUploadsHoldTheProgramsThreads() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("buffering-off", "--handlers", "1", "--request-buffering", "off",
                "--body-timeout", BODY_TIMEOUT.toSeconds() + "s",
                "--main", "dev.herd.testapps.UploadProgram", "--classpath", ApplicationIT.CLASSPATH, "--", "8000")) {
            herd.awaitReady(1);
            Trickle trickle = new Trickle((InetSocketAddress) herd.address(), 8, "/upload");
            try (trickle) {
                trickle.start();
                trickle.awaitFirstByteSent();
                // Fresh requests until one waits behind the trickled bodies: once the program's
                // four threads read them, the next request waits for their 408s. A request sent
                // before the handler dispatched them may still be quick.
                Duration slowest = Duration.ZERO;
                for (int fresh = 0; fresh < 1_000 && !trickle.anyAnswered() && slowest.compareTo(FRESH) <= 0; fresh++) {
                    long start = System.nanoTime();
                    assertThat(herd.get("/").status()).isEqualTo(200);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    slowest = took.compareTo(slowest) > 0 ? took : slowest;
                }
                assertThat(slowest).as("the slowest fresh request behind trickled bodies").isGreaterThan(FRESH);
                trickle.await408s(BODY_TIMEOUT);
            }
            brokenBodiesAre400(herd);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private static void trickleWhileFreshRequestsAreServed(HerdProcess herd, String target) throws Exception {
        try (Trickle trickle = new Trickle((InetSocketAddress) herd.address(), TRICKLERS, target)) {
            trickle.start();
            trickle.awaitFirstByteSent();
            // Fresh requests for as long as the tricklers are owed their answer (bounded: they
            // get it at the body timeout).
            int fresh = 0;
            Duration slowest = Duration.ZERO;
            while (!trickle.anyAnswered() && fresh < 100) {
                long start = System.nanoTime();
                HttpProbe.Reply reply = herd.get("/");
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(reply.status()).isEqualTo(200);
                assertThat(took).as("fresh request %d while %d bodies trickle", fresh, TRICKLERS).isLessThan(FRESH);
                slowest = took.compareTo(slowest) > 0 ? took : slowest;
                fresh++;
            }
            System.out.printf("%s: %d fresh requests while %d bodies trickled, the slowest in %d ms%n", target, fresh,
                    TRICKLERS, slowest.toMillis());
            assertThat(fresh).as("fresh requests served while they trickled").isGreaterThan(3);
            trickle.await408s(BODY_TIMEOUT);
        }
    }

    /**
     * Chunked bodies the client broke, sent to the program's {@code /upload}, which reads its body
     * as any program does: 400 and the connection closed, buffered or streamed, never the 500 its
     * failed read would give; a good body after them is read whole.
     */
    private static void brokenBodiesAre400(HerdProcess herd) throws IOException {
        String head = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n";
        for (String body : List.of("fffffffffffffffffff\r\nx\r\n0\r\n\r\n", "+2\r\nhi\r\n0\r\n\r\n",
                "2\r\nhiXX0\r\n\r\n", "2;\r\nhi\r\n0\r\n\r\n", "2;=x\r\nhi\r\n0\r\n\r\n")) {
            HttpProbe.Reply reply = HttpProbe.exchange(herd.address(), head + body, Duration.ofSeconds(30));
            assertThat(reply.status()).as("a body ending %s", body.strip()).isEqualTo(400);
            assertThat(reply.closes()).as("closed after the 400").isTrue();
        }
        HttpProbe.Reply good = HttpProbe.exchange(herd.address(), head.replace("Host: x", "Host: x\r\nConnection: close")
                + "2;ok=\"yes\"\r\nhi\r\n0\r\n\r\n", Duration.ofSeconds(30));
        assertThat(good.body()).isEqualTo("received 3 bytes\n");
    }

    private static HttpProbe.Reply post(HerdProcess herd, String target, int length) throws IOException {
        String head = "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
                + "\r\nConnection: close\r\n\r\n";
        return HttpProbe.exchange(herd.address(), head + "b".repeat(length), Duration.ofSeconds(30));
    }

    /** Clients that send a request head, then one body byte a second on every connection still open. */
    private static final class Trickle implements AutoCloseable {
        private final List<Socket> sockets = new ArrayList<>();
        private final List<Future<String>> answers = new ArrayList<>();
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        private final java.util.concurrent.CountDownLatch ticked = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicLong firstAnswerNanos = new java.util.concurrent.atomic.AtomicLong();
        private final AtomicInteger answered = new AtomicInteger();
        private final String head;
        private long startNanos;

        Trickle(InetSocketAddress address, int clients, String target) throws IOException {
            this.head = "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n";
            for (int i = 0; i < clients; i++) {
                Socket s = new Socket();
                s.connect(address, 5_000);
                // Bounds every read: the body timeout, the sweep's period, and a margin for a busy machine.
                s.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
                sockets.add(s);
            }
        }

        void start() throws IOException {
            startNanos = System.nanoTime();
            for (Socket s : sockets) {
                s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                answers.add(readers.submit(() -> readToEnd(s)));
            }
            ticker.scheduleAtFixedRate(() -> {
                for (Socket s : sockets) {
                    try {
                        s.getOutputStream().write('x');
                    } catch (IOException answeredAndClosed) {
                        // Nothing more to trickle on it.
                    }
                }
                ticked.countDown();
            }, 0, 1, TimeUnit.SECONDS);
        }

        void awaitFirstByteSent() throws InterruptedException {
            assertThat(ticked.await(10, TimeUnit.SECONDS)).as("the first byte of every body sent").isTrue();
        }

        boolean anyAnswered() {
            return answered.get() > 0;
        }

        /** Every trickler is answered 408 and closed, no sooner than the body timeout. */
        void await408s(Duration timeout) throws Exception {
            for (Future<String> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).as("a trickled body").startsWith("HTTP/1.1 408 ")
                        .containsIgnoringCase("connection: close");
            }
            Duration first = Duration.ofNanos(firstAnswerNanos.get() - startNanos);
            assertThat(first).as("until the first trickler had its 408").isGreaterThanOrEqualTo(timeout);
        }

        private String readToEnd(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            try {
                int first = in.read();
                firstAnswerNanos.compareAndSet(0, System.nanoTime());
                answered.incrementAndGet();
                return first < 0 ? "" : (char) first + new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                answered.incrementAndGet();
                return "read failed: " + e;
            }
        }

        @Override
        public void close() throws IOException {
            ticker.shutdownNow();
            readers.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
