package dev.herd.it;

import dev.herd.config.Settings;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the request path of a real herd over real sockets: requests valid and unusual (the seeds)
 * and mutations of them (bits flipped, bytes and tokens inserted, ranges deleted, repeated or
 * spliced from another seed, numbers replaced), sent in one write or in pieces, from several
 * clients at once, against two handlers whose Netty leak detector is at PARANOID. Each client
 * half-closes after its bytes, so every exchange ends when the server closes.
 *
 * <p>Nothing may crash a handler, nothing may hang (every exchange ends within its deadline),
 * every byte the server sends must read as well-formed HTTP/1.1 responses
 * ({@link WellFormedResponses}), herd itself never answers 500 (the demo application does not
 * throw), and no buffer may leak (the handlers' heaps are collected at the end, then served
 * again, so that the detector reports what it found).
 *
 * <p>Seeded: the seed is printed with every failure, and {@code -Dherd.fuzz.seed=N} replays it;
 * {@code -Dherd.fuzz.cases=N} runs a longer campaign (the suite runs {@value #CASES}).
 */
class RequestFuzzIT {
    private static final int CASES = 3_000;
    private static final int CLIENTS = 4;
    private static final Duration EXCHANGE_DEADLINE = Duration.ofSeconds(10);

    private static final List<String> SEEDS = List.of(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /whoami?x=1&y=%20 HTTP/1.1\r\nHost: a:8080\r\nAccept: */*\r\nUser-Agent: fuzz\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=\"quoted;value\"\r\nhello\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n\r\nPOST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokHEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET http://a:80/whoami HTTP/1.1\r\nHost: a\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nwarm",
            "GET / HTTP/1.0\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-A:  spaced value \t\r\nX-B:\r\nCookie: a=b; c=d\r\n\r\n",
            "DELETE /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");

    private static final List<byte[]> TOKENS = List.of(
            "\r\n", "\n", "\r", " ", "\t", ":", ";", ",", "\"", "\0", "\u007f", "%", "/", "?", "#",
            "\r\n\r\n", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "http/1.1", "chunked", "gzip, chunked",
            "Content-Length: 5\r\n", "Content-Length: 1, 2\r\n", "Transfer-Encoding: chunked\r\n",
            "Host: b\r\n", "Host: \r\n", "Expect: 100-continue\r\n", "Connection: close\r\n",
            "Connection: keep-alive\r\n", " folded\r\n", "0\r\n\r\n", "ffffffffffffffff\r\n",
            "99999999999999999999", "-1", "+5", "0x10", "1e3", "GET ", "CONNECT a:443 ", "*",
            "a".repeat(5_000), "X-Long: " + "b".repeat(9_000) + "\r\n")
            .stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
    private static final String[] NUMBERS = {"0", "1", "7", "65535", "2147483648", "99999999999999999999", "-1", "00"};

    @Test
    void mutatedRequestsNeverCrashHangLeakOrGetAMalformedResponse() throws Exception {
        long seed = Long.getLong("herd.fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("herd.fuzz.cases", CASES);
        String jvm = Settings.HANDLER_JVM_OPTS.defaultText() + " -Dio.netty.leakDetection.level=paranoid";
        try (HerdProcess herd = HerdProcess.serve("request-fuzz", "--handlers", "2", "--warmup", "off",
                "--handler-jvm-opts", jvm)) {
            herd.awaitReady(2);
            List<Long> handlers = HerdProcess.readyPids(herd.status());
            InetSocketAddress address = (InetSocketAddress) herd.address();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            Map<Integer, LongAdder> statuses = new ConcurrentSkipListMap<>();
            List<Future<Integer>> clients = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
                for (int c = 0; c < CLIENTS; c++) {
                    Random random = new Random(seed + c);
                    int share = cases / CLIENTS;
                    clients.add(pool.submit(() -> campaign(address, random, share, failures, statuses)));
                }
                for (Future<Integer> client : clients) {
                    client.get(5, TimeUnit.MINUTES);
                }
            }
            System.out.printf("request fuzz, seed %d: %,d cases; responses by status %s%n", seed, cases, statuses);
            assertThat(failures).as("seed %d (replay with -Dherd.fuzz.seed=%d)", seed, seed).isEmpty();

            // Collected, then served again: the detector reports leaks it finds as it tracks new buffers.
            handlers.forEach(RequestFuzzIT::collectGarbage);
            for (int i = 0; i < 50; i++) {
                assertThat(herd.get("/").status()).isEqualTo(200);
            }
            assertThat(HerdProcess.readyPids(herd.status())).as("no handler was replaced").isEqualTo(handlers);
            assertThat(herd.lines()).as("seed %d", seed).noneMatch(line -> line.contains("LEAK:"));
            assertThat(herd.unexpectedProblems()).as("seed %d", seed).isEmpty();
        }
    }

    /** One client's share of the cases; returns how many it ran. */
    private static int campaign(InetSocketAddress address, Random random, int cases, ConcurrentLinkedQueue<String> failures,
                                Map<Integer, LongAdder> statuses) {
        for (int i = 0; i < cases && failures.size() < 10; i++) {
            byte[] request = nextCase(random);
            String problem = exchange(address, request, random, statuses);
            if (problem != null) {
                failures.add(problem + "\n  sent (hex): " + HexFormat.of().formatHex(request, 0, Math.min(request.length, 600)));
            }
        }
        return cases;
    }

    private static byte[] nextCase(Random random) {
        int roll = random.nextInt(100);
        byte[] seed = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1);
        if (roll < 5) {
            return seed;
        }
        if (roll < 10) {
            byte[] noise = new byte[1 + random.nextInt(300)];
            random.nextBytes(noise);
            return noise;
        }
        byte[] mutated = seed;
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            mutated = mutate(mutated, random);
        }
        return mutated;
    }

    private static byte[] mutate(byte[] in, Random random) {
        if (in.length == 0) {
            return TOKENS.get(random.nextInt(TOKENS.size()));
        }
        int at = random.nextInt(in.length);
        return switch (random.nextInt(7)) {
            case 0 -> {
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                yield out;
            }
            case 1 -> {
                byte[] out = in.clone();
                byte[] token = TOKENS.get(random.nextInt(11));
                out[at] = token[0];
                yield out;
            }
            case 2 -> splice(in, at, at, TOKENS.get(random.nextInt(TOKENS.size())));
            case 3 -> splice(in, at, Math.min(in.length, at + 1 + random.nextInt(20)), new byte[0]);
            case 4 -> {
                int end = Math.min(in.length, at + 1 + random.nextInt(40));
                yield splice(in, at, at, Arrays.copyOfRange(in, at, end));
            }
            case 5 -> {
                byte[] other = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1);
                int from = random.nextInt(other.length);
                yield splice(in, at, in.length, Arrays.copyOfRange(other, from, other.length));
            }
            default -> replaceNumber(in, at, random);
        };
    }

    /** The first run of digits at or after {@code at} replaced by an interesting number. */
    private static byte[] replaceNumber(byte[] in, int at, Random random) {
        int start = at;
        while (start < in.length && (in[start] < '0' || in[start] > '9')) {
            start++;
        }
        if (start == in.length) {
            return in;
        }
        int end = start;
        while (end < in.length && in[end] >= '0' && in[end] <= '9') {
            end++;
        }
        return splice(in, start, end, NUMBERS[random.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] with) {
        byte[] out = new byte[in.length - (to - from) + with.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(with, 0, out, from, with.length);
        System.arraycopy(in, to, out, from + with.length, in.length - to);
        return out;
    }

    /** Sends {@code request} (whole or in pieces), half-closes, reads to the end; what was wrong, or null. */
    private static String exchange(InetSocketAddress address, byte[] request, Random random,
                                   Map<Integer, LongAdder> statuses) {
        boolean pieces = random.nextInt(3) == 0;
        long deadline = System.nanoTime() + EXCHANGE_DEADLINE.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            try {
                if (pieces) {
                    for (int i = 0; i < request.length; ) {
                        int n = Math.min(request.length - i, 1 + random.nextInt(16));
                        out.write(request, i, n);
                        out.flush();
                        i += n;
                    }
                } else {
                    out.write(request);
                }
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // The server answered and closed before it read everything: what it sent still counts.
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return "no end within " + EXCHANGE_DEADLINE.toSeconds() + " s after " + received.size() + " bytes";
                }
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException reset) {
                    // A reset after the server's close (it lingers, then drops unread input): the end.
                    break;
                }
                if (n < 0) {
                    break;
                }
                received.write(buffer, 0, n);
            }
            boolean headSent = new String(request, StandardCharsets.ISO_8859_1).contains("HEAD");
            WellFormedResponses.Reading reading = WellFormedResponses.read(received.toByteArray(), headSent);
            if (!reading.wellFormed()) {
                return "malformed response: " + reading.problem() + "\n  received: "
                        + new String(received.toByteArray(), 0, Math.min(received.size(), 600), StandardCharsets.ISO_8859_1);
            }
            reading.responses().forEach(r -> statuses.computeIfAbsent(r.status(), k -> new LongAdder()).increment());
            if (reading.responses().stream().anyMatch(r -> r.status() == 500)) {
                return "answered 500: " + received.toString(StandardCharsets.ISO_8859_1);
            }
            return null;
        } catch (IOException e) {
            return "connection failed: " + e;
        }
    }

    /** Asks the handler's JVM for a full collection (jcmd), so that unreachable leaked buffers are found. */
    private static void collectGarbage(long pid) {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        try {
            Process jcmd = new ProcessBuilder(java.resolveSibling("jcmd").toString(), String.valueOf(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).as("jcmd %d GC.run ended", pid).isTrue();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
