package dev.herd.spawner;

import dev.herd.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Trains the handlers' AOT cache ({@link AotCache}): runs {@code herd serve} with one handler
 * whose JVM writes the cache when it exits, sends it the requests herd's own HTTP path serves
 * (kept and closed connections, GET and HEAD, a body in and out, refusals), stops it, and records
 * the JVM options the handler ran with. Run by the launcher, once per build.
 *
 * <pre>java -cp CLASSPATH dev.herd.spawner.AotTraining CACHE_FILE</pre>
 *
 * Only herd's built-in demo application runs: the user's application is not trained (herd never
 * sends invented requests to it), its classes load as they would without a cache.
 */
public final class AotTraining {
    private static final int ROUNDS = 3_000;
    private static final long STOP_TIMEOUT_SECONDS = 120;

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: AotTraining CACHE_FILE");
            System.exit(2);
        }
        Path cache = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(cache.getParent());
        Path training = cache.resolveSibling(cache.getFileName() + ".training");
        Files.deleteIfExists(training);

        List<String> options = HandlerCommand.jvmOptions(Config.builder().build());
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "dev.herd.cli.Main", "serve",
                "--bind", "127.0.0.1:" + port, "--admin", "off", "--handlers", "1",
                "--handler-jvm-opts", String.join(" ", options) + " -XX:AOTCacheOutput=" + training));
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            awaitServing(address, server);
            for (int i = 0; i < ROUNDS; i++) {
                exercise(address);
            }
        } finally {
            server.destroy();
        }
        if (!server.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            throw new IllegalStateException("the training server did not stop within " + STOP_TIMEOUT_SECONDS + " s");
        }
        if (!Files.isRegularFile(training)) {
            throw new IllegalStateException("the training handler wrote no AOT cache at " + training);
        }
        Files.move(training, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        new AotCache(cache).recordOptions(options);
        System.out.println("AOT cache for handlers: " + cache + " (" + Files.size(cache) / (1024 * 1024) + " MiB)");
    }

    /** The requests of one round: what a handler's own HTTP path does for every client. */
    private static void exercise(InetSocketAddress address) throws IOException {
        try (Socket kept = connect(address)) {
            exchange(kept, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            exchange(kept, "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
            exchange(kept, "GET /whoami HTTP/1.1\r\nHost: t\r\n\r\n");
            exchange(kept, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
            exchange(kept, "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            exchange(kept, "GET /missing HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        }
        try (Socket once = connect(address)) {
            exchange(once, "GET / HTTP/1.0\r\n\r\n");
        }
        try (Socket bad = connect(address)) {
            exchange(bad, "NOT HTTP\r\n\r\n");
        }
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Sends {@code request} and reads the answer's head and body (by Content-Length, chunked, or to the close). */
    private static void exchange(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        if (request.startsWith("HEAD")) {
            return;
        }
        int length = lower.indexOf("content-length:");
        if (length >= 0) {
            int end = lower.indexOf("\r\n", length);
            in.readNBytes(Integer.parseInt(lower.substring(length + 15, end).strip()));
        } else if (lower.contains("transfer-encoding: chunked")) {
            // The answer ends with the last chunk's empty line.
            StringBuilder body = new StringBuilder();
            for (int b; !body.toString().endsWith("0\r\n\r\n") && (b = in.read()) >= 0; ) {
                body.append((char) b);
            }
        } else {
            in.readAllBytes();
        }
    }

    /** Waits until the server answers, or fails if it exits first. */
    private static void awaitServing(InetSocketAddress address, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket probe = connect(address)) {
                exchange(probe, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                return;
            } catch (IOException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the training server did not start", notYet);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
