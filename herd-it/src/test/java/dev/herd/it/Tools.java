package dev.herd.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Programs from Debian's packages (and one npm package) that tests drive as processes. They are
 * installed before the tests by one explicit step ({@code ./herd test-tools}, which {@code ./herd
 * test} runs first: {@code bench/install-tools.sh tests}); a test never installs anything. A test
 * whose tool is missing fails, unless the run left that tool out ({@code ./herd test --without
 * TOOL}, the system property {@value #WITHOUT}): then it is skipped, and the run's summary says why.
 */
final class Tools {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** The tools a run leaves out, comma-separated: {@code ./herd test --without chromium,node}. */
    static final String WITHOUT = "herd.test.without";

    /** What the tests drive, by the names {@code bench/install-tools.sh} and {@code --without} use. */
    enum Tool {
        REDIS("redis", "redis-tools", "redis-cli", "redis-benchmark"),
        PROMTOOL("promtool", "prometheus", "promtool"),
        CHROMIUM("chromium", "chromium", "chromium"),
        SYSTEMD("systemd", "systemd", "systemd-analyze"),
        LOGROTATE("logrotate", "logrotate", "logrotate"),
        NODE("node", "nodejs and npm", "node", "npm"),
        TLS("tls", "curl, openssl, nghttp2-client and testssl.sh", "curl", "openssl", "h2load", "testssl");

        final String name;
        final String packages;
        final List<String> programs;

        Tool(String name, String packages, String... programs) {
            this.name = name;
            this.packages = packages;
            this.programs = List.of(programs);
        }
    }

    private Tools() {
    }

    /**
     * Returns if {@code tool}'s programs are on the PATH and the run did not leave it out; skips the
     * calling test if the run left it out; else fails, saying how to get the tool.
     */
    static void require(Tool tool) {
        require(tool.name, tool.packages, tool.programs, System.getProperty(WITHOUT, ""));
    }

    static void require(String name, String packages, List<String> programs, String without) {
        Assumptions.assumeFalse(List.of(without.split(",")).contains(name),
                () -> "left out with --without " + name);
        if (!programs.stream().allMatch(Tools::onPath)) {
            throw new AssertionError(String.join(" and ", programs) + " (Debian: " + packages + ") not found: "
                    + "'./herd test-tools' installs it (as root), or './herd test --without " + name
                    + "' leaves out the tests that need it");
        }
    }

    record Result(int status, String output) {
        /** The output's lines, progress lines (ended by CR) included, without blank ones. */
        List<String> lines() {
            return output.lines().flatMap(l -> List.of(l.split("\r")).stream()).map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
        }
    }

    static boolean onPath(String program) {
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
