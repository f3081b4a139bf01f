package dev.herd.spawner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The class path herd's own handler processes start on: the handler's jar and the jars it needs
 * (herd's API and common code, Netty), taken from the spawner's class path. The build lists their
 * file names in the handler's jar ({@value #LIST}). A handler then neither opens nor caches the
 * command line's and the spawner's libraries, and its AOT cache depends on its own jars alone.
 *
 * <p>Where the list is missing (the handler is not on the class path as a built jar) or names a
 * jar the class path lacks, handlers get the whole class path: slower to start, never broken.
 */
final class HandlerClassPath {
    /** The resource the build writes: the handler's runtime dependencies, as {@code lib/NAME.jar:...}. */
    static final String LIST = "dev/herd/handler/class-path";

    private HandlerClassPath() {
    }

    /** The handler's class path within {@code classPath}, the list read with {@code loader}. */
    static String of(String classPath, ClassLoader loader) {
        URL list = loader.getResource(LIST);
        if (list == null) {
            return classPath;
        }
        Optional<Path> own = entryHolding(list);
        if (own.isEmpty()) {
            return classPath;
        }
        return within(classPath, own.get(), read(list)).orElse(classPath);
    }

    /**
     * The handler's entry, then the entries of {@code classPath} whose file names are {@code needed},
     * in the class path's order; empty if one of them is missing.
     */
    static Optional<String> within(String classPath, Path own, Set<String> needed) {
        List<String> entries = new ArrayList<>(List.of(own.toString()));
        Set<String> found = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            Path file = Path.of(entry).getFileName();
            if (file != null && needed.contains(file.toString()) && found.add(file.toString())) {
                entries.add(entry);
            }
        }
        return found.size() == needed.size() ? Optional.of(String.join(File.pathSeparator, entries)) : Optional.empty();
    }

    /** The file names in the build's list. */
    static Set<String> names(String list) {
        return Arrays.stream(list.strip().split(File.pathSeparator))
                .filter(name -> !name.isBlank())
                .map(name -> name.substring(name.lastIndexOf('/') + 1))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Set<String> read(URL list) {
        try (InputStream in = list.openStream()) {
            return names(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + list, e);
        }
    }

    /** The jar or directory {@code resource} is in. */
    private static Optional<Path> entryHolding(URL resource) {
        String url = resource.toString();
        try {
            if (url.startsWith("jar:file:") && url.endsWith("!/" + LIST)) {
                String jar = url.substring("jar:".length(), url.length() - ("!/" + LIST).length());
                return Optional.of(Path.of(new URI(jar)));
            }
            if (url.startsWith("file:") && url.endsWith("/" + LIST)) {
                return Optional.of(Path.of(resource.toURI()).getParent().getParent().getParent().getParent());
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
