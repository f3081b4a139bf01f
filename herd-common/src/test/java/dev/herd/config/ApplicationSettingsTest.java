package dev.herd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The application options: how each value reads, which go together, and what is checked at start. */
class ApplicationSettingsTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ./public              |                | ./public
            /assets=./public      | /assets        | ./public
            /assets/=./public     | /assets        | ./public
            /a/b=dir              | /a/b           | dir
            """)
    void staticMountsReadAsPrefixAndDirectory(String text, String prefix, String directory) {
        StaticMount mount = Settings.STATIC.parse(text).orElseThrow();
        assertThat(mount.prefix()).isEqualTo(prefix == null ? "" : prefix);
        assertThat(mount.dir()).isEqualTo(Path.of(directory));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/../b=dir", "//x=dir", "/a/./b=dir", "/%2e=dir", "/a?b=dir", "/assets="})
    void aStaticPrefixThatIsNoPlainPathIsRefused(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.STATIC.parse(text))
                .withMessageContaining("/PREFIX=DIR");
    }

    @Test
    void otherApplicationValuesReadAsDocumented() {
        assertThat(Settings.CLASSPATH.parse("a.jar:lib/*::b")).containsExactly("a.jar", "lib/*", "b");
        assertThat(Settings.MAIN.parse("com.example.Main")).hasValue("com.example.Main");
        assertThat(Settings.MAIN.parse("")).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.MAIN.parse("not a class"))
                .withMessageContaining("fully qualified class name");
        assertThat(Settings.STATIC_INDEX.parse("off")).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.STATIC_INDEX.parse("../x"));
        assertThat(Settings.STATIC_LISTING.parse("on")).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.STATIC_LISTING.parse("yes"))
                .withMessageContaining("on or off");
        assertThat(Settings.PROTOCOL.parse("TCP")).isEqualTo(Settings.Protocol.TCP);
        assertThatIllegalArgumentException().isThrownBy(() -> Settings.PROTOCOL.parse("udp"))
                .withMessageContaining("http or tcp");
    }

    @Test
    void combinationsThatCannotWorkAreRefusedNamingTheOptions() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            out.write("Manifest-Version: 1.0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        String cp = jar.toString();
        Path notAJar = Files.writeString(dir.resolve("notes.jar"), "not a zip");
        Map<List<String>, String> refused = new LinkedHashMap<>();
        refused.put(List.of("app", "com.x.App", "main", "com.x.Main", "classpath", cp), "either --app or --main");
        refused.put(List.of("app", "com.x.App"), "is not a built-in application (demo): give --classpath");
        refused.put(List.of("main", "com.x.Main"), "--main needs --classpath");
        refused.put(List.of("protocol", "tcp"), "--protocol tcp needs --app CLASS");
        refused.put(List.of("protocol", "tcp", "main", "com.x.Main", "classpath", cp), "--main needs --protocol http");
        refused.put(List.of("protocol", "tcp", "app", "com.x.T", "classpath", cp, "static", dir.toString()),
                "--static needs --protocol http");
        refused.put(List.of("app", "com.x.App", "classpath", dir.resolve("missing.jar").toString()),
                "is not a readable jar or directory");
        refused.put(List.of("app", "com.x.App", "classpath", notAJar.toString()), "' is not a jar (");
        refused.put(List.of("static", dir.resolve("nowhere").toString()), "is not a directory");
        refused.put(List.of("app", "demo", "static", dir.toString()), "would answer every path");
        refused.forEach((options, message) -> assertThatIllegalArgumentException()
                .as(options.toString())
                .isThrownBy(() -> Settings.validate(config(options)))
                .withMessageContaining(message));
    }

    @Test
    void workingCombinationsPassAndSayWhetherTheDemoAnswers() throws IOException {
        Files.createDirectories(dir.resolve("lib"));
        Config plain = config(List.of());
        Config files = config(List.of("static", dir.toString()));
        Config mounted = config(List.of("app", "demo", "static", "/assets=" + dir));
        Config wildcard = config(List.of("app", "com.x.App", "classpath", dir.resolve("lib") + "/*"));
        for (Config c : List.of(plain, files, mounted, wildcard)) {
            Settings.validate(c);
        }
        assertThat(Settings.servesApp(plain)).isTrue();
        assertThat(Settings.servesApp(files)).isFalse();
        assertThat(Settings.servesApp(mounted)).isTrue();
    }

    @Test
    void anExistingServersJarRunsAloneAndOnlyWhereHerdCanHandItTheSocket() throws IOException {
        Path boot = jar("boot.jar", "Main-Class: org.springframework.boot.loader.launch.JarLauncher\n"
                + "Start-Class: com.example.Application\nSpring-Boot-Version: 4.0.7\n");
        Path plain = jar("plain.jar", "Main-Class: com.example.Main\n");
        Path boot3 = jar("boot3.jar", "Main-Class: org.springframework.boot.loader.launch.JarLauncher\n"
                + "Start-Class: com.example.Application\nSpring-Boot-Version: 3.5.7\n");
        Path library = jar("library.jar", "");
        Path notAJar = Files.writeString(dir.resolve("text.jar"), "not a zip");

        ForeignJar foreign = ForeignJar.inspect(boot, java.util.Optional.empty());
        assertThat(foreign.server()).isEqualTo(ForeignJar.Server.SPRING_BOOT);
        assertThat(foreign.propertiesLauncher()).isEqualTo("org.springframework.boot.loader.launch.PropertiesLauncher");
        Config served = config(List.of("jar", boot.toString(), "handlers", "3"));
        Settings.validate(served);
        assertThat(Settings.servesApp(served)).isFalse();
        // A server herd does not recognize runs when named: herd answers its own bind with herd's socket.
        Config other = config(List.of("jar", plain.toString(), "jar-server", "other"));
        Settings.validate(other);
        assertThat(ForeignJar.inspect(plain, other.get(Settings.JAR_SERVER)).server().handoff())
                .isEqualTo(ForeignJar.Handoff.PRELOAD);
        Path quarkus = jar("quarkus-run.jar", "Main-Class: io.quarkus.bootstrap.runner.QuarkusEntryPoint\n");
        assertThat(ForeignJar.inspect(quarkus, java.util.Optional.empty()).server()).isEqualTo(ForeignJar.Server.QUARKUS);

        Map<List<String>, String> refused = new LinkedHashMap<>();
        refused.put(List.of("jar", dir.resolve("missing.jar").toString()), "invalid value for --jar: '");
        refused.put(List.of("jar", notAJar.toString()), "is not a jar (");
        refused.put(List.of("jar", library.toString()), "is not an executable jar: its manifest has no Main-Class");
        refused.put(List.of("jar", plain.toString()), "herd does not know the server in");
        refused.put(List.of("jar", plain.toString(), "jar-server", "spring-boot"), "is not a Spring Boot executable jar");
        refused.put(List.of("jar", plain.toString(), "jar-server", "tomcat"),
                "expected spring-boot, micronaut, quarkus, helidon, javalin or other");
        refused.put(List.of("jar-server", "other"), "--jar-server says what --jar runs, and there is no --jar");
        refused.put(List.of("jar", boot.toString(), "bind", "unix:" + dir.resolve("s")), "is a Unix socket");
        refused.put(List.of("jar", boot3.toString()), "(Spring Boot 3.5.7): --jar runs Spring Boot 4 jars (Tomcat or Jetty)");
        refused.put(List.of("jar", boot.toString(), "app", "demo"), "--app cannot go with it");
        refused.put(List.of("jar", boot.toString(), "static", dir.toString()), "--static cannot go with it");
        refused.put(List.of("jar", boot.toString(), "standby", "1"), "--standby needs herd's own handlers");
        refused.forEach((options, message) -> assertThatIllegalArgumentException()
                .as(options.toString())
                .isThrownBy(() -> Settings.validate(config(options)))
                .withMessageContaining(message));
    }

    private static Path jar(String name, String mainAttributes) throws IOException {
        Path jar = dir.resolve(name);
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            out.write(("Manifest-Version: 1.0\n" + mainAttributes).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return jar;
    }

    private static Config config(List<String> namesAndValues) {
        Config.Builder builder = Config.builder();
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            String name = namesAndValues.get(i);
            Setting<?> setting = Settings.SERVE.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            builder.set(setting, namesAndValues.get(i + 1));
        }
        return builder.build();
    }
}
