package dev.herd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code herd config}: what {@code herd serve} would run with, as the user reads it. */
class ConfigCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void writeFile() throws IOException {
        file = Files.writeString(dir.resolve("herd.toml"), """
                # herd.toml
                max-handlers = 6
                graceful-timeout = "10s"
                """);
    }

    private int execute(Map<String, String> environment, String... args) {
        CommandLine cli = Main.commandLine(environment);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            max-handlers     | 6              | FILE:2           |
            graceful-timeout | 10s            | FILE:3           |
            timeout          | 5s             | env HERD_TIMEOUT |
            backlog          | 10             | command line     | needs restart
            bind             | 127.0.0.1:8080 | default          | needs restart
            config           | FILE           | command line     | needs restart
            idle-timeout     | 10s            | default          |
            """)
    void eachSettingIsOneLineWithItsValueOriginAndRestartMark(String name, String value, String origin,
                                                                    String restart) {
        int status = execute(Map.of("HERD_TIMEOUT", "5s"), "config", "--config", file.toString(), "--backlog", "10");

        assertThat(status).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(Settings.SERVE.size());
        String expected = Pattern.quote(name) + " +" + Pattern.quote(value.replace("FILE", file.toString()))
                + " +" + Pattern.quote(origin.replace("FILE", file.toString()))
                + (restart == null ? "" : " +" + restart);
        assertThat(lines).anyMatch(line -> line.matches(expected));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void handlersGivenAloneShowStaticScalingAndWhy() {
        int status = execute(Map.of("HERD_HANDLERS", "3"), "config");

        assertThat(status).isZero();
        assertThat(out.toString().lines()).anyMatch(line -> line.matches(
                "scaling +static +implied by handlers \\(env HERD_HANDLERS\\)"));
    }

    @Test
    void aJarShowsTheHandlerJvmOptionsItsHandlersGet(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("app.jar");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            zip.write(("Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\n"
                    + "Start-Class: com.example.App\nSpring-Boot-Version: 4.0.7\n").getBytes());
        }
        assertThat(execute(Map.of(), "config", "--jar", jar.toString())).isZero();
        assertThat(out.toString()).containsPattern("handler-jvm-opts +" + Pattern.quote(
                Settings.FOREIGN_JVM_OPTS) + " +default with --jar");
    }

    @Test
    void columnsLineUp() {
        execute(Map.of("HERD_TIMEOUT", "5s"), "config", "--config", file.toString());

        // The origin column starts at the same place on every line but those whose values run past their
        // column: the JVM options, and the file's path in a temporary directory.
        List<String> lines = out.toString().lines()
                .filter(l -> !l.startsWith("handler-jvm-opts") && !l.startsWith("config"))
                .toList();
        Pattern origin = Pattern.compile("(default|command line|env HERD_TIMEOUT|" + Pattern.quote(file.toString())
                + ":\\d)(  +needs restart)?$");
        assertThat(lines).allSatisfy(l -> assertThat(origin.matcher(l).find()).as(l).isTrue());
        assertThat(lines.stream().map(l -> {
            var m = origin.matcher(l);
            m.find();
            return m.start();
        }).distinct()).hasSize(1);
    }

    @Test
    void programArgumentsFollowAsTheirOwnLine() {
        execute(Map.of(), "config", "--", "--port", "1");
        assertThat(out.toString().lines().toList().getLast()).matches("-- +--port 1 +command line");
    }

    @Test
    void jsonHasEverySettingWithItsOriginInParts() throws IOException {
        int status = execute(Map.of("HERD_TIMEOUT", "5s"), "config", "--json", "--config", file.toString(),
                "--backlog", "10", "--", "x");

        assertThat(status).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        JsonNode settings = json.path("settings");
        assertThat(settings).hasSize(Settings.SERVE.size());
        assertThat(settings.get(0).path("name").asText()).isEqualTo(Settings.SERVE.getFirst().name());
        assertThat(setting(settings, Settings.MAX_HANDLERS).toString()).isEqualTo(new ObjectMapper().createObjectNode()
                .put("name", "max-handlers").put("value", "6").put("origin", file + ":2").put("layer", "file")
                .put("file", file.toString()).put("line", 2).put("reloadable", true).toString());
        assertThat(setting(settings, Settings.TIMEOUT).path("variable").asText()).isEqualTo("HERD_TIMEOUT");
        assertThat(setting(settings, Settings.TIMEOUT).path("layer").asText()).isEqualTo("environment");
        assertThat(setting(settings, Settings.BACKLOG).path("layer").asText()).isEqualTo("command line");
        assertThat(setting(settings, Settings.BACKLOG).path("reloadable").asBoolean()).isFalse();
        assertThat(setting(settings, Settings.BIND).path("origin").asText()).isEqualTo("default");
        assertThat(json.path("args").toString()).isEqualTo("[\"x\"]");
    }

    private static JsonNode setting(JsonNode settings, Setting<?> setting) {
        for (JsonNode s : settings) {
            if (s.path("name").asText().equals(setting.name())) {
                return s;
            }
        }
        throw new AssertionError("no " + setting.name());
    }

    @Test
    void aRefusedConfigurationIsOneLineOnStderrAndStatus2() throws IOException {
        Files.writeString(file, "\nmax-handler = 4\n");

        assertThat(execute(Map.of(), "config", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("herd: " + file + ":2: unknown key 'max-handler' (did you mean max-handlers?)"
                + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadVariableIsRefusedByName() {
        assertThat(execute(Map.of("HERD_MAX_HANDLERS", "four"), "config")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("herd: invalid value for HERD_MAX_HANDLERS: 'four': expected an integer "
                + "from 1 to 512" + System.lineSeparator());
    }

    @Test
    void anUnknownVariableIsAWarningOnly() {
        assertThat(execute(Map.of("HERD_MAX_HANDLER", "4"), "config")).isZero();
        assertThat(err.toString()).isEqualTo("herd: warning: HERD_MAX_HANDLER is not a setting of herd serve, ignored "
                + "(did you mean HERD_MAX_HANDLERS?)" + System.lineSeparator());
        assertThat(out.toString()).isNotEmpty();
    }

    @Test
    void helpListsServesOptionsAndJson() {
        assertThat(execute(Map.of(), "config", "--help")).isZero();
        String help = out.toString();
        assertThat(help).contains("--json");
        for (Setting<?> s : Settings.SERVE) {
            assertThat(help).as(s.name()).contains(s.option() + "=" + s.label());
        }
    }

    @Test
    void aRepeatedPathOptionAddsToItsList() {
        int status = execute(Map.of(), "config", "--json", "--tls-cert", "/etc/herd/a.pem", "--tls-cert", "/etc/herd/b.pem",
                "--tls-key", "/etc/herd/a.key", "--tls-key", "/etc/herd/b.key");

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("/etc/herd/a.pem:/etc/herd/b.pem").contains("/etc/herd/a.key:/etc/herd/b.key");
    }

    @Test
    void aKeyWithoutItsCertificateIsRefused() {
        assertThat(execute(Map.of(), "config", "--tls-key", "/etc/herd/a.key")).isEqualTo(2);
        assertThat(err.toString()).contains("--tls-key /etc/herd/a.key (command line) without --tls-cert");
    }
}
