package dev.herd.os;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The JVM options herd starts its own JVMs with, declared once in argument files beside this class
 * that the launcher script and the build read too ({@code java @every-jvm.args}).
 */
public final class JvmArgs {
    /** Options of every JVM herd starts, handlers included. */
    public static final List<String> EVERY = read("every-jvm.args");
    /** The default options of a handler JVM ({@code --handler-jvm-opts}), before {@link #EVERY}. */
    public static final List<String> HANDLER = read("handler-jvm.args");
    /** Options of a JVM that runs herd's command line (the spawner), after {@link #EVERY}. */
    public static final List<String> COMMAND = Stream.concat(EVERY.stream(), read("command-jvm.args").stream())
            .toList();

    private JvmArgs() {
    }

    /** The options in {@code text}, read as the java launcher reads an argument file without quotes. */
    static List<String> parse(String text) {
        return text.lines()
                .map(line -> line.replaceFirst("#.*", "").strip())
                .flatMap(line -> Arrays.stream(line.split("\\s+")))
                .filter(option -> !option.isEmpty())
                .toList();
    }

    private static List<String> read(String file) {
        try (InputStream in = JvmArgs.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("herd's jar lacks " + file + " beside " + JvmArgs.class.getName());
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
