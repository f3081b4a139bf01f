package dev.herd.handler.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class loader of a user's application: its {@code --classpath}, over a parent that shows it
 * the JDK and herd's public API ({@code dev.herd.api}) and nothing else of herd. The runtime's own
 * libraries (Netty, Jackson, picocli, ...) stay invisible, so an application that brings another
 * version of one of them gets its own, and herd keeps its own.
 */
public final class AppClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private AppClassLoader(URL[] urls, ClassLoader parent) {
        super("app", urls, parent);
    }

    /**
     * @param entries class path entries as given: jars, directories, or {@code DIR/*} for every
     *                jar of DIR (in name order, as {@code java -cp} reads a wildcard)
     */
    public static AppClassLoader of(List<String> entries) throws BootFailure {
        List<URL> urls = new ArrayList<>();
        for (String entry : entries) {
            for (Path path : expand(entry)) {
                try {
                    urls.add(path.toAbsolutePath().normalize().toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new BootFailure("--classpath entry '" + entry + "' is not a usable path: " + e.getMessage());
                }
            }
        }
        return new AppClassLoader(urls.toArray(URL[]::new), new ApiOnly(AppClassLoader.class.getClassLoader()));
    }

    private static List<Path> expand(String entry) throws BootFailure {
        if (!entry.equals("*") && !entry.endsWith("/*")) {
            Path path = Path.of(entry);
            if (!Files.isReadable(path)) {
                throw new BootFailure("--classpath entry '" + entry + "' is not a readable jar or directory");
            }
            return List.of(path);
        }
        Path dir = Path.of(entry.substring(0, entry.length() - 1) + ".");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".jar") || name.endsWith(".JAR");
            }).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BootFailure("--classpath entry '" + entry + "' cannot be listed: " + e.getMessage());
        }
    }

    /**
     * The parent: the platform class loader (the JDK's modules) plus herd's API package, taken
     * from herd's own loader, so that an application's {@code HttpApp} is the very interface herd
     * calls. A copy of the API inside the application's jar is never used.
     */
    private static final class ApiOnly extends ClassLoader {
        private static final String API_PACKAGE = "dev.herd.api.";
        private static final String API_RESOURCES = "dev/herd/api/";

        static {
            registerAsParallelCapable();
        }

        private final ClassLoader herd;

        ApiOnly(ClassLoader herd) {
            super("herd-api", ClassLoader.getPlatformClassLoader());
            this.herd = herd;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(API_PACKAGE)) {
                return herd.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith(API_RESOURCES) ? herd.getResource(name) : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.startsWith(API_RESOURCES) ? herd.getResources(name) : super.getResources(name);
        }
    }
}
