package dev.herd.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Redis clients from Debian's {@code redis-tools}, run as processes against a herd
 * server ({@link Tools.Tool#REDIS}).
 */
final class RedisTools {
    private RedisTools() {
    }

    /** The example's jar, built by the reactor before herd-it. */
    static Path exampleJar() {
        Path jar = Tools.ROOT.resolve("examples/redis/target/redis.jar");
        if (!Files.isReadable(jar)) {
            throw new AssertionError(jar + " is missing: build it first (mvn package -pl examples/redis -am)");
        }
        return jar;
    }

    /** Makes sure redis-cli and redis-benchmark can run, as {@link Tools#require} says. */
    static void require() {
        Tools.require(Tools.Tool.REDIS);
    }

    /** {@code redis-cli -h 127.0.0.1 -p PORT args...}. */
    static Tools.Result cli(int port, String... args) {
        return Tools.run(Duration.ofSeconds(30), null, command("redis-cli", port, args));
    }

    /** {@code redis-cli} reading commands from its standard input, one per line, on one connection. */
    static Tools.Result cliScript(int port, String script) {
        return Tools.run(Duration.ofSeconds(30), script, command("redis-cli", port));
    }

    static Tools.Result benchmark(int port, String... args) {
        return Tools.run(Duration.ofMinutes(2), null, command("redis-benchmark", port, args));
    }

    private static String[] command(String program, int port, String... args) {
        List<String> command = new ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }
}
