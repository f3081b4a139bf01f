package dev.herd.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Redis clients from Debian's {@code redis-tools}, run as processes against a herd
 * server: installed by the project's own {@code bench/install-tools.sh} when missing (as root), the
 * tests skipped with the reason otherwise.
 */
final class RedisTools {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static volatile boolean checked;

    private RedisTools() {
    }

    /** The example's jar, built by the reactor before herd-cli. */
    static Path exampleJar() {
        Path jar = ROOT.resolve("examples/redis/target/redis.jar");
        if (!Files.isReadable(jar)) {
            throw new AssertionError(jar + " is missing: build it first (mvn package -pl examples/redis -am)");
        }
        return jar;
    }

    /** Makes sure redis-cli and redis-benchmark can run, or skips the calling test. */
    static void require() {
        if (checked) {
            return;
        }
        if (!onPath("redis-cli") || !onPath("redis-benchmark")) {
            Result install = run(Duration.ofMinutes(5), null, "bash", ROOT.resolve("bench/install-tools.sh").toString());
            Assumptions.assumeTrue(install.status() == 0 && onPath("redis-cli") && onPath("redis-benchmark"),
                    () -> "skipped: redis-cli and redis-benchmark (Debian package redis-tools) are not installed "
                            + "and bench/install-tools.sh could not install them:\n" + install.output());
        }
        checked = true;
    }

    record Result(int status, String output) {
        /** The output's lines, progress lines (ended by CR) included, without blank ones. */
        List<String> lines() {
            return output.lines().flatMap(l -> List.of(l.split("\r")).stream()).map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
        }
    }

    /** {@code redis-cli -h 127.0.0.1 -p PORT args...}. */
    static Result cli(int port, String... args) {
        return run(Duration.ofSeconds(30), null, command("redis-cli", port, args));
    }

    /** {@code redis-cli} reading commands from its standard input, one per line, on one connection. */
    static Result cliScript(int port, String script) {
        return run(Duration.ofSeconds(30), script, command("redis-cli", port));
    }

    static Result benchmark(int port, String... args) {
        return run(Duration.ofMinutes(2), null, command("redis-benchmark", port, args));
    }

    private static String[] command(String program, int port, String... args) {
        List<String> command = new ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command} to its end (killed past {@code timeout}), with {@code input} as its standard input. */
    static Result run(Duration timeout, String input, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            // Read on a thread of its own: a full pipe would otherwise stall the process past the timeout.
            var output = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    output.complete(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.complete("(output unreadable: " + e + ")");
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " still running after " + timeout.toSeconds()
                        + " s; output so far:\n" + output.getNow(""));
            }
            return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
