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
 * Programs from Debian's packages that tests drive as processes (redis-cli, promtool): installed
 * by the project's own {@code bench/install-tools.sh} when missing (as root), the calling test
 * skipped with the reason otherwise.
 */
final class Tools {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private Tools() {
    }

    /**
     * Makes sure {@code programs} are on the PATH, running {@code bench/install-tools.sh MODE}
     * when one is missing, or skips the calling test.
     *
     * @param mode the script's argument ("" for its default set)
     * @param pkg  the Debian package, for the reason a test is skipped
     */
    static void require(String mode, String pkg, String... programs) {
        if (List.of(programs).stream().allMatch(Tools::onPath)) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("bench/install-tools.sh").toString()));
        if (!mode.isEmpty()) {
            command.add(mode);
        }
        Result install = run(Duration.ofMinutes(5), null, command.toArray(String[]::new));
        Assumptions.assumeTrue(install.status() == 0 && List.of(programs).stream().allMatch(Tools::onPath),
                () -> "skipped: " + String.join(" and ", programs) + " (Debian package " + pkg + ") are not "
                        + "installed and bench/install-tools.sh could not install them:\n" + install.output());
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
