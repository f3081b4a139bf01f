package dev.herd.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * An existing server's executable jar ({@code --jar}), and how herd hands it the shared socket:
 * read from the jar's manifest and the classes it holds, or named by {@code --jar-server}.
 *
 * @param path      the jar
 * @param mainClass its {@code Main-Class}
 * @param server    the kind of server in it, which decides how the socket reaches it
 * @param extracted for Spring Boot: the jar of an extracted application ({@code java -Djarmode=tools
 *                  -jar app.jar extract}), whose {@code Main-Class} is the application's own and whose
 *                  libraries are in {@code Class-Path}, rather than an executable fat jar
 */
public record ForeignJar(Path path, String mainClass, Server server, boolean extracted) {

    /** The system property that tells a foreign handler where libherd-socket was preloaded from. */
    public static final String SOCKET_LIBRARY_PROPERTY = "herd.socket.library";
    /**
     * The system property that says who tells the handler is ready: {@value #READY_BY_APPLICATION}
     * (a framework integration, which also gives the stop its grace), else the socket.
     */
    public static final String READY_PROPERTY = "herd.ready";
    public static final String READY_BY_APPLICATION = "application";

    /** How the shared socket reaches a server. */
    public enum Handoff {
        /**
         * The server takes the inherited channel (standard input) instead of binding: Tomcat and
         * Jetty can, told by herd's framework integration.
         */
        INHERITED,
        /** The server is told the socket's descriptor by its own configuration, set by herd. */
        DESCRIPTOR,
        /**
         * The server binds as always; libherd-socket (LD_PRELOAD) answers that bind with herd's
         * socket, given herd's port through the server's own port setting.
         */
        PRELOAD
    }

    /** The servers herd can hand its socket to ({@code --jar-server}), and how. */
    public enum Server {
        /** Spring Boot 4 on Tomcat or Jetty, through herd-spring-boot (PropertiesLauncher, loader.path). */
        SPRING_BOOT("Spring Boot", Handoff.INHERITED),
        /** Micronaut 4 on Netty: a listener on descriptor 0 that does not bind. */
        MICRONAUT("Micronaut", Handoff.DESCRIPTOR),
        /** Quarkus (Vert.x), its fast-jar {@code quarkus-run.jar}. */
        QUARKUS("Quarkus", Handoff.PRELOAD),
        /** Helidon 4 SE's own web server. */
        HELIDON("Helidon", Handoff.PRELOAD),
        /** Javalin (Jetty, set up in code), given its port in {@code PORT}. */
        JAVALIN("Javalin", Handoff.PRELOAD),
        /** Any other server that binds a TCP port, given herd's in {@code PORT}. */
        OTHER("a server", Handoff.PRELOAD);

        private final String title;
        private final Handoff handoff;

        Server(String title, Handoff handoff) {
            this.title = title;
            this.handoff = handoff;
        }

        public String title() {
            return title;
        }

        public Handoff handoff() {
            return handoff;
        }
    }

    /** What tells a server in a jar: a class of its own, or its library jar's name in Class-Path. */
    private record Marker(Server server, String classEntry, String libraryPrefix) {
        boolean in(JarFile jar, List<String> classPath) {
            return jar.getEntry(classEntry) != null || classPath.stream()
                    .map(entry -> Path.of(entry).getFileName())
                    .anyMatch(name -> name != null && name.toString().startsWith(libraryPrefix));
        }
    }

    private static final List<Marker> MARKERS = List.of(
            new Marker(Server.MICRONAUT, "io/micronaut/http/server/netty/NettyHttpServer.class", "micronaut-http-server-netty-"),
            new Marker(Server.HELIDON, "io/helidon/webserver/WebServer.class", "helidon-webserver-"),
            new Marker(Server.JAVALIN, "io/javalin/Javalin.class", "javalin-"));

    private static final String QUARKUS_MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
    private static final String SPRING_BOOT_LOADER = "org.springframework.boot.loader.";

    /**
     * Reads {@code path}'s manifest and, unless {@code server} is given, what the jar holds.
     *
     * @throws IllegalArgumentException with the reason, when it is not a readable executable jar of
     *                                  a server herd can hand its socket to
     */
    public static ForeignJar inspect(Path path, Optional<Server> server) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("'" + path + "' is not a readable file");
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
            String mainClass = main.getValue(Attributes.Name.MAIN_CLASS);
            if (mainClass == null || mainClass.isBlank()) {
                throw new IllegalArgumentException("'" + path + "' is not an executable jar: its manifest has no Main-Class");
            }
            Server found = server.orElseGet(() -> recognize(jar, main).orElseThrow(() -> new IllegalArgumentException(
                    "herd does not know the server in '" + path + "' (Main-Class " + mainClass.strip()
                            + "): if it binds a TCP port itself, --jar-server other hands it herd's socket")));
            boolean extracted = found == Server.SPRING_BOOT && checkSpringBoot(path, main);
            return new ForeignJar(path, mainClass.strip(), found, extracted);
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + path + "' is not a jar (" + e.getMessage() + ")");
        }
    }

    private static Optional<Server> recognize(JarFile jar, Attributes main) {
        if (main.getValue("Spring-Boot-Version") != null) {
            return Optional.of(Server.SPRING_BOOT);
        }
        if (QUARKUS_MAIN.equals(main.getValue(Attributes.Name.MAIN_CLASS).strip())) {
            return Optional.of(Server.QUARKUS);
        }
        // A shaded jar holds the server's classes; a thin one names its library jars in Class-Path.
        String classPath = Objects.requireNonNullElse(main.getValue(Attributes.Name.CLASS_PATH), "").strip();
        List<String> entries = classPath.isEmpty() ? List.of() : List.of(classPath.split("\\s+"));
        return MARKERS.stream().filter(marker -> marker.in(jar, entries)).map(Marker::server).findFirst();
    }

    /** @return whether it is an extracted application's jar */
    private static boolean checkSpringBoot(Path path, Attributes main) {
        String version = main.getValue("Spring-Boot-Version");
        // An extracted application's jar runs its own Main-Class; an executable jar, Spring Boot's launcher.
        boolean extracted = version != null && main.getValue("Start-Class") == null
                && !main.getValue(Attributes.Name.MAIN_CLASS).strip().startsWith(SPRING_BOOT_LOADER);
        if (version == null || (main.getValue("Start-Class") == null && !extracted)) {
            throw new IllegalArgumentException("'" + path + "' is not a Spring Boot executable jar (no Spring-Boot-Version"
                    + " and Start-Class in its manifest)");
        }
        // herd's auto-configuration is written against Spring Boot 4's server classes.
        if (!version.strip().matches("([4-9]|\\d{2,})\\..*")) {
            throw new IllegalArgumentException("herd cannot hand its socket to the server in '" + path
                    + "' (Spring Boot " + version.strip() + "): --jar runs Spring Boot 4 jars (Tomcat or Jetty)");
        }
        return extracted;
    }

    /**
     * Spring Boot's launcher that reads {@code loader.path}, in the package of the jar's own
     * launcher ({@code org.springframework.boot.loader.launch} since Spring Boot 3.2).
     */
    public String propertiesLauncher() {
        int dot = mainClass.lastIndexOf('.');
        return (dot < 0 ? "" : mainClass.substring(0, dot + 1)) + "PropertiesLauncher";
    }
}
