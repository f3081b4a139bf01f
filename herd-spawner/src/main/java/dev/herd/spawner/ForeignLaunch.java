package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.ForeignJar;
import dev.herd.config.Settings;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a foreign handler, an existing server's own JVM ({@code --jar}), is started: its class path is
 * the application's jar and the two small jars herd puts into it (herd-foreign and herd-common, JDK
 * only), its entry point herd-foreign's, which runs the jar's own launcher; and per server, what
 * makes that server take herd's socket and drain within {@code --graceful-timeout}.
 *
 * @param jar         the application
 * @param herdJars    herd's jars it needs, found on the spawner's own class path: herd-foreign and
 *                    herd-common always, and the server's integration (herd-spring-boot)
 */
record ForeignLaunch(ForeignJar jar, Map<String, String> herdJars) {
    /** The entry point in the application's JVM; named, not referenced: the spawner never loads it. */
    static final String MAIN_CLASS = "dev.herd.foreign.ForeignHandler";

    /**
     * @throws IllegalStateException when herd's class path lacks a jar the server needs
     */
    static Optional<ForeignLaunch> of(Config config, String herdClassPath) {
        return config.get(Settings.JAR).map(path -> {
            ForeignJar jar = ForeignJar.inspect(path);
            List<String> modules = switch (jar.server()) {
                case SPRING_BOOT -> List.of("herd-foreign", "herd-common", "herd-spring-boot");
            };
            Map<String, String> found = new LinkedHashMap<>();
            for (String module : modules) {
                found.put(module, herdJar(herdClassPath, module));
            }
            return new ForeignLaunch(jar, Map.copyOf(found));
        });
    }

    /** System properties for the application's JVM, before the class path. */
    List<String> properties(Config config) {
        List<String> properties = new ArrayList<>();
        switch (jar.server()) {
            case SPRING_BOOT -> {
                // PropertiesLauncher adds loader.path to the application's own class path: there
                // herd's auto-configuration hands the socket to Tomcat or Jetty.
                properties.add("-Dloader.path=" + herdJars.get("herd-spring-boot"));
                // Spring Boot drains on SIGTERM (server.shutdown=graceful since 3.4), for this long.
                properties.add("-Dspring.lifecycle.timeout-per-shutdown-phase="
                        + config.get(Settings.GRACEFUL_TIMEOUT).toMillis() + "ms");
            }
        }
        return properties;
    }

    String classPath() {
        return String.join(File.pathSeparator, jar.path().toAbsolutePath().toString(), herdJars.get("herd-foreign"),
                herdJars.get("herd-common"));
    }

    /** The class the foreign entry point runs once the slot is claimed. */
    String launcher() {
        return switch (jar.server()) {
            case SPRING_BOOT -> jar.propertiesLauncher();
        };
    }

    /**
     * The jar (or classes directory) of herd's {@code module} on the spawner's class path.
     *
     * @throws IllegalStateException when herd was started without it
     */
    private static String herdJar(String herdClassPath, String module) {
        return Arrays.stream(herdClassPath.split(File.pathSeparator))
                .filter(entry -> isModule(Path.of(entry), module))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("herd's class path has no " + module
                        + " jar, which --jar handlers need: build herd whole (./herd build)"));
    }

    private static boolean isModule(Path entry, String module) {
        String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
        if (name.endsWith(".jar")) {
            return name.matches(java.util.regex.Pattern.quote(module) + "-\\d.*\\.jar");
        }
        // target/classes of the module, when run from a build tree.
        return entry.endsWith(Path.of(module, "target", "classes"));
    }
}
