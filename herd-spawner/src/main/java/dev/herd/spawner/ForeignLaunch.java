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
import java.util.function.Supplier;

/**
 * How a foreign handler, an existing server's own JVM ({@code --jar}), is started: its class path is
 * the application's jar and the two small jars herd puts into it (herd-foreign and herd-common, JDK
 * only), its entry point herd-foreign's, which runs the jar's own main; libherd-socket is preloaded
 * into it; and per server, what makes that server take herd's socket and drain within
 * {@code --graceful-timeout}.
 *
 * @param jar      the application
 * @param herdJars herd's jars it needs, found on the spawner's own class path: herd-foreign and
 *                 herd-common always, and the server's integration (herd-spring-boot)
 * @param library  where handlers load libherd-socket from
 * @param aot      the application's AOT cache, unless {@code --jar-aot off}
 */
record ForeignLaunch(ForeignJar jar, Map<String, String> herdJars, Path library, Optional<JarAotCache> aot) {
    /** The entry point in the application's JVM; named, not referenced: the spawner never loads it. */
    static final String MAIN_CLASS = "dev.herd.foreign.ForeignHandler";

    /**
     * @throws IllegalStateException when herd's class path lacks a jar the server needs
     */
    static Optional<ForeignLaunch> of(Config config, String herdClassPath, Supplier<Path> library,
                                      Map<String, String> environment) {
        return config.get(Settings.JAR).map(path -> {
            ForeignJar jar = ForeignJar.inspect(path, config.get(Settings.JAR_SERVER));
            List<String> modules = jar.server() == ForeignJar.Server.SPRING_BOOT
                    ? List.of("herd-foreign", "herd-common", "herd-spring-boot")
                    : List.of("herd-foreign", "herd-common");
            Map<String, String> found = new LinkedHashMap<>();
            for (String module : modules) {
                found.put(module, herdJar(herdClassPath, module));
            }
            Optional<JarAotCache> aot = JarAotCache.of(config, jar, HandlerCommand.jvmOptions(config),
                    List.copyOf(found.values()), environment);
            return new ForeignLaunch(jar, Map.copyOf(found), library.get(), aot);
        });
    }

    /**
     * What a handler starting now runs: the jar and its AOT cache once the cache is there (for a
     * Spring Boot fat jar, the application extracted beside the cache), else the jar as given.
     */
    Form form() {
        return aot.flatMap(cache -> cache.readyJar().map(ready -> new Form(ready, Optional.of(cache.cacheFile()))))
                .orElse(new Form(jar, Optional.empty()));
    }

    /**
     * @param jar      the jar a handler runs
     * @param aotCache the AOT cache it starts with, if any
     */
    record Form(ForeignJar jar, Optional<Path> aotCache) {
    }

    /**
     * System properties for the application's JVM, before the class path.
     *
     * @param port herd's TCP port, 0 when the socket has none
     */
    List<String> properties(Config config, int port, Form form) {
        List<String> properties = new ArrayList<>();
        form.aotCache().ifPresent(cache -> properties.add("-XX:AOTCache=" + cache));
        properties.add("-D" + ForeignJar.SOCKET_LIBRARY_PROPERTY + "=" + library);
        long graceful = config.get(Settings.GRACEFUL_TIMEOUT).toMillis();
        switch (jar.server()) {
            case SPRING_BOOT -> {
                // PropertiesLauncher adds loader.path to the application's own class path: there
                // herd's auto-configuration hands the socket to Tomcat or Jetty, and says when it is
                // ready. An extracted application has it on the class path itself.
                if (!form.jar().extracted()) {
                    properties.add("-Dloader.path=" + herdJars.get("herd-spring-boot"));
                }
                properties.add("-D" + ForeignJar.READY_PROPERTY + "=" + ForeignJar.READY_BY_APPLICATION);
                // Spring Boot drains on SIGTERM (server.shutdown=graceful since 3.4), for this long.
                properties.add("-Dspring.lifecycle.timeout-per-shutdown-phase=" + graceful + "ms");
            }
            case MICRONAUT -> {
                // A listener on descriptor 0, herd's socket, which it does not bind (with the JDK's
                // transport, Micronaut takes it as the inherited channel); configured listeners
                // replace the default one on 8080. Micronaut drains only when told to.
                properties.add("-Dmicronaut.server.netty.listeners.herd.fd=0");
                properties.add("-Dmicronaut.server.netty.listeners.herd.bind=false");
                properties.add("-Dmicronaut.lifecycle.graceful-shutdown.enabled=true");
                properties.add("-Dmicronaut.lifecycle.graceful-shutdown.grace-period=" + graceful + "ms");
            }
            case QUARKUS -> {
                properties.add("-Dquarkus.http.port=" + port);
                // Without a timeout Quarkus stops at once, cutting the requests in flight.
                properties.add("-Dquarkus.shutdown.timeout=" + graceful + "ms");
            }
            case HELIDON -> {
                properties.add("-Dserver.port=" + port);
                // Helidon's own grace is half a second.
                properties.add("-Dserver.shutdown-grace-period=" + config.get(Settings.GRACEFUL_TIMEOUT));
            }
            case JAVALIN, OTHER -> {
                // The port is in PORT (the environment); how such a server drains is the application's.
            }
        }
        return properties;
    }

    /**
     * Variables added to the application's environment.
     *
     * @param port herd's TCP port, 0 when the socket has none
     */
    Map<String, String> environment(int port) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("LD_PRELOAD", library.toString());
        environment.put("HERD_SOCKET_FD", "0");
        if (jar.server().handoff() == ForeignJar.Handoff.PRELOAD) {
            environment.put("HERD_SOCKET_ADOPT", "1");
        }
        // The convention of many hosts (and the port a server without a setting of its own reads).
        if (port > 0) {
            environment.put("PORT", Integer.toString(port));
        }
        return environment;
    }

    String classPath(Form form) {
        List<String> entries = new ArrayList<>(List.of(form.jar().path().toAbsolutePath().toString(),
                herdJars.get("herd-foreign"), herdJars.get("herd-common")));
        if (form.jar().extracted()) {
            entries.add(herdJars.get("herd-spring-boot"));
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The class the foreign entry point runs once the slot is claimed. */
    String launcher(Form form) {
        return form.jar().server() == ForeignJar.Server.SPRING_BOOT && !form.jar().extracted()
                ? form.jar().propertiesLauncher() : form.jar().mainClass();
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
