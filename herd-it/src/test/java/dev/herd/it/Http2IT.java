package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cleartext HTTP/2 by prior knowledge ({@code --h2c on}) on two handlers: real clients (curl,
 * h2load) beside HTTP/1.1 on the same address, then the known abuses of the protocol, each on a
 * connection of its own, written frame by frame ({@link RawHttp2}): every abusive connection is
 * closed, its handler keeps serving everyone else, and memory stays bounded. Last, a reload's drain
 * tells an HTTP/2 client GOAWAY and lets its open stream finish.
 */
class Http2IT {
    private static final Duration TOOL = Duration.ofSeconds(60);
    private static final Duration CLOSED = Duration.ofSeconds(15);
    private static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);

    private static HerdProcess herd;
    private static InetSocketAddress address;
    private static Path dir;

    @BeforeAll
    static void start() throws IOException {
        Tools.require(Tools.Tool.TLS);
        dir = Files.createTempDirectory("herd-h2-it");
        Path files = Files.createDirectories(dir.resolve("files"));
        Files.write(files.resolve("big.bin"), new byte[1_500_000]);
        herd = HerdProcess.serve("h2c", "--handlers", "2", "--h2c", "on", "--app", "demo", "--static",
                "/files=" + files, "--body-timeout", BODY_TIMEOUT.toSeconds() + "s", "--access-log", "-");
        herd.awaitReady(2);
        address = (InetSocketAddress) herd.address();
    }

    @AfterAll
    static void stop() {
        if (herd != null) {
            assertThat(herd.unexpectedProblems()).isEmpty();
            herd.close();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + address.getPort() + path;
    }

    /** Both handlers answer a new client, over HTTP/2 and over HTTP/1.1. */
    private static void everyoneElseIsServed() throws IOException {
        for (int i = 0; i < 4; i++) {
            assertThat(herd.get("/").status()).isEqualTo(200);
            Tools.Result curl = Tools.run(TOOL, null, "curl", "-sS", "--http2-prior-knowledge", "-w", " %{http_version}",
                    url("/"));
            assertThat(curl.output()).isEqualTo("Hello, World! 2");
        }
    }

    @Test
    void priorKnowledgeSpeaksHttp2AndOthersHttp11OnTheSameAddress() {
        assertThat(Tools.run(TOOL, null, "curl", "-sS", "--http2-prior-knowledge", "-w", " %{http_version}", url("/"))
                .output()).isEqualTo("Hello, World! 2");
        assertThat(Tools.run(TOOL, null, "curl", "-sS", "--http1.1", "-w", " %{http_version}", url("/")).output())
                .isEqualTo("Hello, World! 1.1");
        // The access log says what the client spoke.
        herd.awaitLine("\"GET / HTTP/2.0\" 200 13", Duration.ofSeconds(10));
        Tools.Result h2load = Tools.run(TOOL, null, "h2load", "-n", "3000", "-c", "4", "-m", "16", url("/"));
        assertThat(h2load.output()).contains("Application protocol: h2c")
                .contains("3000 succeeded, 0 failed, 0 errored, 0 timeout");
    }

    @Test
    void rapidResetEndsTheConnection() throws IOException {
        try (RawHttp2 h2 = new RawHttp2(address)) {
            int sent = h2.flood(20_000, (c, i) -> {
                c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | RawHttp2.END_STREAM, 2 * i + 1,
                        RawHttp2.head("GET", "/"));
                c.reset(2 * i + 1);
            });
            RawHttp2.Frame goAway = h2.goAwayThenClose(CLOSED);
            assertThat(goAway).as("GOAWAY after " + sent + " resets").isNotNull();
            assertThat(goAway.errorCode()).as("GOAWAYs %s", h2.goAways).isEqualTo(RawHttp2.ENHANCE_YOUR_CALM);
        }
        everyoneElseIsServed();
    }

    @Test
    void aFloodOfContinuationFramesEndsTheConnection() throws IOException {
        // Many small frames: CVE-2024-27316's pattern, which costs the server per frame.
        try (RawHttp2 h2 = new RawHttp2(address)) {
            h2.frame(RawHttp2.HEADERS, 0, 1, RawHttp2.head("GET", "/"));
            int sent = h2.flood(100_000, (c, i) -> {
                ByteArrayOutputStream field = new ByteArrayOutputStream();
                RawHttp2.literal(field, "x", "y");
                c.frame(RawHttp2.CONTINUATION, 0, 1, field.toByteArray());
            });
            assertThat(h2.goAwayThenClose(CLOSED)).as("GOAWAY after " + sent + " frames").isNotNull();
        }
        // One field that never ends, in large frames: the header list's bound stops it.
        try (RawHttp2 h2 = new RawHttp2(address)) {
            ByteArrayOutputStream start = new ByteArrayOutputStream();
            start.writeBytes(RawHttp2.head("GET", "/"));
            start.write(0);
            start.write(5);
            start.writeBytes("x-big".getBytes(StandardCharsets.US_ASCII));
            // A value of 100 MB, announced with a multi-byte length (RFC 7541 §5.1).
            start.writeBytes(new byte[] {0x7f, (byte) 0x81, (byte) 0xc2, (byte) 0xd7, 0x2f});
            h2.frame(RawHttp2.HEADERS, 0, 1, start.toByteArray());
            byte[] piece = new byte[16_000];
            Arrays.fill(piece, (byte) 'a');
            int sent = h2.flood(6_000, (c, i) -> c.frame(RawHttp2.CONTINUATION, 0, 1, piece));
            assertThat(h2.goAwayThenClose(CLOSED)).as("GOAWAY after " + sent + " frames").isNotNull();
            assertThat(sent).isLessThan(6_000);
        }
        everyoneElseIsServed();
    }

    @Test
    void aHeaderListOverTheLimitIs431AndTheConnectionGoesOn() throws IOException {
        try (RawHttp2 h2 = new RawHttp2(address)) {
            char[] value = new char[17_000];
            Arrays.fill(value, 'v');
            byte[] block = RawHttp2.head("GET", "/", "x-big", new String(value));
            h2.frame(RawHttp2.HEADERS, RawHttp2.END_STREAM, 1, Arrays.copyOf(block, 16_000));
            h2.frame(RawHttp2.CONTINUATION, RawHttp2.END_HEADERS, 1, Arrays.copyOfRange(block, 16_000, block.length));
            h2.flush();
            assertThat(statusOf(h2, 1)).isEqualTo("431");
            h2.get(3, "/");
            assertThat(statusOf(h2, 3)).isEqualTo("200");
        }
        everyoneElseIsServed();
    }

    @Test
    void aClientThatOpensNoWindowIsCut() throws IOException {
        try (RawHttp2 h2 = new RawHttp2(address, RawHttp2.SETTINGS_INITIAL_WINDOW_SIZE, 0)) {
            long began = System.nanoTime();
            h2.get(1, "/files/big.bin");
            assertThat(h2.goAwayThenClose(CLOSED.plus(BODY_TIMEOUT))).isNotNull();
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            assertThat(took).isGreaterThanOrEqualTo(BODY_TIMEOUT);
        }
        everyoneElseIsServed();
    }

    @Test
    void abusedHandlersKeepTheirMemoryBounded() throws IOException {
        long before = maxResident(herd.status());
        for (int round = 0; round < 4; round++) {
            try (RawHttp2 h2 = new RawHttp2(address)) {
                h2.flood(20_000, (c, i) -> {
                    c.frame(RawHttp2.HEADERS, RawHttp2.END_HEADERS | RawHttp2.END_STREAM, 2 * i + 1,
                            RawHttp2.head("GET", "/"));
                    c.reset(2 * i + 1);
                });
                h2.goAwayThenClose(CLOSED);
            }
            try (RawHttp2 h2 = new RawHttp2(address)) {
                h2.frame(RawHttp2.HEADERS, 0, 1, RawHttp2.head("GET", "/"));
                h2.flood(100_000, (c, i) -> c.frame(RawHttp2.CONTINUATION, 0, 1, new byte[] {0, 1, 'x', 1, 'y'}));
                h2.goAwayThenClose(CLOSED);
            }
        }
        everyoneElseIsServed();
        long after = maxResident(herd.status());
        assertThat(after).as("resident bytes, before %d", before).isLessThan(before + 64L * 1024 * 1024);
    }

    private static long maxResident(JsonNode status) {
        long max = 0;
        for (JsonNode handler : status.path("handlers")) {
            max = Math.max(max, handler.path("rss_bytes").asLong());
        }
        return max;
    }

    /** The status the server answers {@code stream} with, skipping other frames. */
    private static String statusOf(RawHttp2 h2, int stream) throws IOException {
        while (true) {
            RawHttp2.Frame frame = h2.read(CLOSED);
            assertThat(frame).as("the answer to stream " + stream).isNotNull();
            if (frame.type() == RawHttp2.HEADERS && frame.stream() == stream) {
                return frame.status();
            }
            if (frame.type() == RawHttp2.SETTINGS && (frame.flags() & RawHttp2.ACK) == 0) {
                h2.frame(RawHttp2.SETTINGS, RawHttp2.ACK, 0, new byte[0]);
                h2.flush();
            }
        }
    }

    /** Runs last by name order is not promised: a reload makes generation 2, which the other tests do not mind. */
    @Test
    void aReloadSaysGoAwayAndTheOpenStreamFinishes() throws Exception {
        try (RawHttp2 h2 = new RawHttp2(address)) {
            h2.get(1, "/sleep?ms=1500");
            CompletableFuture<HerdProcess.CliResult> reload = CompletableFuture.supplyAsync(() -> herd.cli("reload"));
            List<RawHttp2.Frame> frames = new ArrayList<>();
            for (RawHttp2.Frame f = h2.read(Duration.ofSeconds(60)); f != null; f = h2.read(Duration.ofSeconds(60))) {
                frames.add(f);
            }
            assertThat(reload.get().status()).as(reload.get().err()).isZero();
            int goAway = indexOf(frames, RawHttp2.GOAWAY, 0);
            int answer = indexOf(frames, RawHttp2.HEADERS, 1);
            assertThat(goAway).as("GOAWAY").isNotNegative();
            assertThat(frames.get(goAway).errorCode()).isZero();
            assertThat(answer).as("the answer").isNotNegative();
            assertThat(frames.get(answer).status()).isEqualTo("200");
            assertThat(frames.stream().anyMatch(f -> f.stream() == 1 && (f.flags() & RawHttp2.END_STREAM) != 0))
                    .as("stream 1 ended").isTrue();
        }
        everyoneElseIsServed();
    }

    private static int indexOf(List<RawHttp2.Frame> frames, int type, int stream) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).type() == type && (type == RawHttp2.GOAWAY || frames.get(i).stream() == stream)) {
                return i;
            }
        }
        return -1;
    }
}
