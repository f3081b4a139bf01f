package dev.herd.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * An existing server's executable jar ({@code --jar}), and how herd hands it the shared socket:
 * read from the jar's manifest, which says what built it.
 *
 * @param path      the jar
 * @param mainClass its {@code Main-Class}
 * @param server    the kind of server in it, which decides how the socket reaches it
 */
public record ForeignJar(Path path, String mainClass, Server server) {

    /** The servers herd can hand its socket to, and how. */
    public enum Server {
        /**
         * A Spring Boot jar (Tomcat or Jetty): herd's auto-configuration (the herd-spring-boot jar,
         * added with Spring Boot's {@code PropertiesLauncher} and {@code loader.path}) has the
         * server take the inherited channel instead of binding.
         */
        SPRING_BOOT("Spring Boot");

        private final String title;

        Server(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * Reads {@code path}'s manifest.
     *
     * @throws IllegalArgumentException with the reason, when it is not a readable executable jar of
     *                                  a server herd can hand its socket to
     */
    public static ForeignJar inspect(Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("'" + path + "' is not a readable file");
        }
        Manifest manifest;
        try (JarFile jar = new JarFile(path.toFile())) {
            manifest = jar.getManifest();
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + path + "' is not a jar (" + e.getMessage() + ")");
        }
        Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
        String mainClass = main.getValue(Attributes.Name.MAIN_CLASS);
        if (mainClass == null || mainClass.isBlank()) {
            throw new IllegalArgumentException("'" + path + "' is not an executable jar: its manifest has no Main-Class");
        }
        String springBoot = main.getValue("Spring-Boot-Version");
        if (springBoot != null && main.getValue("Start-Class") != null) {
            // herd's auto-configuration is written against Spring Boot 4's server classes.
            if (!springBoot.strip().matches("([4-9]|\\d{2,})\\..*")) {
                throw new IllegalArgumentException("herd cannot hand its socket to the server in '" + path
                        + "' (Spring Boot " + springBoot.strip() + "): --jar runs Spring Boot 4 jars (Tomcat or Jetty) so far");
            }
            return new ForeignJar(path, mainClass.strip(), Server.SPRING_BOOT);
        }
        throw new IllegalArgumentException("herd cannot hand its socket to the server in '" + path + "' (Main-Class "
                + mainClass.strip() + "): --jar runs Spring Boot 4 jars (Tomcat or Jetty) so far");
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
