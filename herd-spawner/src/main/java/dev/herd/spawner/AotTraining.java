package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.os.JvmArgs;

import java.io.IOException;
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
 * whose JVM writes the cache when it exits, lets it warm up for {@link #ROUNDS} rounds (herd's own
 * HTTP path: kept and closed connections, GET and HEAD, bodies in and out; the demo's own warm-up
 * requests), stops it once it is ready, and records the JVM options the handler ran with. Run by
 * the launcher, once per build.
 *
 * <pre>java -cp CLASSPATH dev.herd.spawner.AotTraining CACHE_FILE</pre>
 *
 * Only herd's built-in demo application runs: the user's application is not trained (herd never
 * sends invented requests to it), its classes load as they would without a cache.
 */
public final class AotTraining {
    /** Warm-up rounds of the training handler: enough for the JIT to profile and compile herd's path. */
    private static final int ROUNDS = 2_000;
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
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmArgs.COMMAND);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.herd.cli.Main", "serve",
                "--bind", "127.0.0.1:" + port, "--admin", "off", "--handlers", "1",
                "--warmup", String.valueOf(ROUNDS), "--warmup-time", "60s",
                "--handler-jvm-opts", String.join(" ", options) + " -XX:AOTCacheOutput=" + training));
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // The handler's warm-up is the training: it reports ready once its rounds are done.
            awaitServing(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), server);
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

    /** Waits until the server answers, or fails if it exits first. */
    private static void awaitServing(InetSocketAddress address, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(address, 5_000);
                probe.setSoTimeout(30_000);
                probe.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                probe.getInputStream().readAllBytes();
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
