package dev.herd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.testkit.HttpProbe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether a freshly started pool makes clients wait for its JIT. Each round starts
 * {@code herd serve --handlers N} through the launcher (so with the AOT cache, as a user runs it),
 * and the moment the pool reports N handlers ready it starts an open-loop load ({@link OpenLoop}:
 * RATE new connections per second, GET /) for SECONDS; then, after {@link #SETTLE} more, the same
 * load again on the now warm pool. It prints both, per round and as medians.
 *
 * <pre>bench/cold-start.sh [HANDLERS] [RATE] [SECONDS] [ROUNDS] [-- serve options]</pre>
 *
 * The load generator warms up first against a server of its own in this JVM, so that its own cold
 * start is not counted against herd's.
 */
public final class ColdStart {
    static final Duration SETTLE = Duration.ofSeconds(5);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The width of the cold run's timeline buckets. */
    static final Duration TIMELINE = Duration.ofMillis(100);

    public static void main(String[] args) throws Exception {
        String herd = args[0];
        int handlers = Integer.parseInt(args[1]);
        int rate = Integer.parseInt(args[2]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[3]));
        int rounds = Integer.parseInt(args[4]);
        List<String> serveOptions = List.of(args).subList(5, args.length);

        warmClient(rate);
        System.out.printf("cold start: herd serve --handlers %d %s; open loop of %d new connections/s (GET /) for %d s,"
                        + " from the moment the pool is ready, then again %d s later; 127.0.0.1, %d CPUs shared%n%n",
                handlers, String.join(" ", serveOptions), rate, length.toSeconds(), SETTLE.toSeconds(),
                Runtime.getRuntime().availableProcessors());
        List<OpenLoop.Summary> cold = new ArrayList<>();
        List<OpenLoop.Summary> warm = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            int port = freePort();
            int admin = freePort();
            List<String> command = new ArrayList<>(List.of(herd, "serve", "--bind", "127.0.0.1:" + port,
                    "--admin", "127.0.0.1:" + admin, "--handlers", String.valueOf(handlers)));
            command.addAll(serveOptions);
            Process server = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                awaitReady(new InetSocketAddress(InetAddress.getLoopbackAddress(), admin), handlers, server);
                List<OpenLoop.Done> firstRun = OpenLoop.run(address, "/", rate, length, TIMEOUT);
                OpenLoop.Summary first = OpenLoop.Summary.of(firstRun);
                StepLoad.pause(SETTLE);
                OpenLoop.Summary later = OpenLoop.Summary.of(OpenLoop.run(address, "/", rate, length, TIMEOUT));
                System.out.printf("round %d: first %d s: %s%n         worst ms per %d ms: %s%n         later:     %s%n",
                        round, length.toSeconds(), first, TIMELINE.toMillis(), OpenLoop.timeline(firstRun, TIMELINE), later);
                cold.add(first);
                warm.add(later);
            } finally {
                server.destroy();
                server.waitFor(60, TimeUnit.SECONDS);
            }
        }
        System.out.printf("%n| medians of %d rounds | p50 ms | p99 ms | p99.9 ms | max ms | failed |%n", rounds);
        System.out.println("|---|---|---|---|---|---|");
        row("first " + length.toSeconds() + " s after ready", cold);
        row("the same load " + SETTLE.toSeconds() + " s later", warm);
    }

    private static void row(String label, List<OpenLoop.Summary> summaries) {
        System.out.printf("| %s | %.2f | %.2f | %.2f | %.2f | %d |%n", label,
                median(summaries.stream().mapToDouble(OpenLoop.Summary::p50Ms).toArray()),
                median(summaries.stream().mapToDouble(OpenLoop.Summary::p99Ms).toArray()),
                median(summaries.stream().mapToDouble(OpenLoop.Summary::p999Ms).toArray()),
                median(summaries.stream().mapToDouble(OpenLoop.Summary::maxMs).toArray()),
                summaries.stream().mapToInt(OpenLoop.Summary::failed).sum());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Polls the admin endpoint until {@code handlers} handlers are ready. */
    private static void awaitReady(InetSocketAddress admin, int handlers, Process server) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!server.isAlive()) {
                throw new IllegalStateException("herd exited with status " + server.exitValue());
            }
            try {
                JsonNode status = json.readTree(HttpProbe.get(admin, "/status.json", Duration.ofSeconds(5)).body());
                int ready = 0;
                for (JsonNode h : status.path("handlers")) {
                    String state = h.path("state").asText();
                    ready += state.equals("idle") || state.equals("busy") ? 1 : 0;
                }
                if (ready >= handlers) {
                    return;
                }
            } catch (IOException notYet) {
                // The spawner is starting (or training the AOT cache): ask again.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("herd was not ready within 120 s");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** Runs the load generator's own path for a while against a minimal server in this JVM. */
    private static void warmClient(int rate) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        Thread.ofVirtual().start(() -> answer(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            OpenLoop.run(listener.getLocalSocketAddress(), "/", rate, Duration.ofSeconds(3), TIMEOUT);
            listener.close();
            acceptor.join();
        }
    }

    private static void answer(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            StringBuilder head = new StringBuilder();
            for (int n; !head.toString().contains("\r\n\r\n") && (n = in.read(buffer)) > 0; ) {
                head.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    .getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException ignored) {
            // The client is gone: nothing to answer.
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
