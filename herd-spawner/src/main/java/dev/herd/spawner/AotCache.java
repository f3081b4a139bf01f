package dev.herd.spawner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The JDK's ahead-of-time cache for handler JVMs (JEP 483, 514, 515): the classes a handler loads,
 * already parsed and linked, and the method profiles of a training run, so that a new handler is
 * ready and fast sooner.
 *
 * <p>A cache belongs to one build: the JVM does not notice that a jar changed since the training,
 * and would run the old classes. So the launcher names a cache file keyed to the build it runs
 * (system property {@value #PROPERTY}), trains it when it is missing, and the spawner only uses
 * it if it exists. The JVM also refuses a cache trained with other options, so the training
 * records its handler JVM options beside the cache ({@code FILE.options}, one per line), and a
 * cache is only used for handlers started with those same options.
 *
 * @param file the cache
 */
record AotCache(Path file) {
    /** The system property naming the cache of this build. */
    static final String PROPERTY = "herd.aot-cache";

    static Optional<AotCache> named(String file) {
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(new AotCache(Path.of(file)));
    }

    /** Where the training records the JVM options it ran the handler with. */
    Path optionsFile() {
        return file.resolveSibling(file.getFileName() + ".options");
    }

    /** The cache file, if it exists and was trained with {@code jvmOptions}. */
    Optional<Path> usableWith(List<String> jvmOptions) {
        try {
            if (!Files.isRegularFile(file) || !Files.isRegularFile(optionsFile())) {
                return Optional.empty();
            }
            return Files.readAllLines(optionsFile()).equals(jvmOptions) ? Optional.of(file) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Records that the cache was trained with {@code jvmOptions}; done once the cache is written. */
    void recordOptions(List<String> jvmOptions) {
        try {
            Files.write(optionsFile(), jvmOptions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
