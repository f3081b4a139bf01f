package dev.herd.cli.config;

import dev.herd.config.Config;
import dev.herd.config.Origin;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The four layers of {@code herd serve}'s configuration, and every way a layer is refused. */
class LayeredConfigTest {
    @TempDir
    Path dir;

    private Path file;

    private LayeredConfig source(Map<Setting<?>, String> commandLine, Map<String, String> environment) {
        return new LayeredConfig(commandLine, List.of(), environment);
    }

    /** A configuration file of these lines, named on the command line. */
    private LayeredConfig withFile(String... lines) throws IOException {
        file = dir.resolve("herd.toml");
        Files.writeString(file, String.join("\n", lines).replace("DIR", dir.toString()) + "\n");
        return source(Map.of(Settings.CONFIG, file.toString()), Map.of());
    }

    @ParameterizedTest(name = "file {0}, env {1}, command line {2}: {3} from {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -    | -    | -    | 30s | default
            10s  | -    | -    | 10s | FILE:2
            -    | 20s  | -    | 20s | env HERD_GRACEFUL_TIMEOUT
            -    | -    | 40s  | 40s | command line
            10s  | 20s  | -    | 20s | env HERD_GRACEFUL_TIMEOUT
            10s  | -    | 40s  | 40s | command line
            -    | 20s  | 40s  | 40s | command line
            10s  | 20s  | 40s  | 40s | command line
            """)
    void theCommandLineWinsThenTheEnvironmentThenTheFileThenTheDefault(String inFile, String inEnvironment,
                                                                       String onCommandLine, String value,
                                                                       String origin) throws IOException {
        file = dir.resolve("herd.toml");
        Files.writeString(file, "# other settings keep their defaults\n"
                + (inFile == null ? "" : "graceful-timeout = \"" + inFile + "\"\n"));
        Map<Setting<?>, String> commandLine = new HashMap<>(Map.of(Settings.CONFIG, file.toString()));
        if (onCommandLine != null) {
            commandLine.put(Settings.GRACEFUL_TIMEOUT, onCommandLine);
        }
        Map<String, String> environment = inEnvironment == null ? Map.of()
                : Map.of("HERD_GRACEFUL_TIMEOUT", inEnvironment);

        Config config = source(commandLine, environment).load();

        assertThat(config.text(Settings.GRACEFUL_TIMEOUT)).isEqualTo(value);
        assertThat(config.origin(Settings.GRACEFUL_TIMEOUT).describe()).isEqualTo(origin.replace("FILE", file.toString()));
        assertThat(config.isSet(Settings.GRACEFUL_TIMEOUT)).isEqualTo(!origin.equals("default"));
        assertThat(config.origin(Settings.TIMEOUT)).isEqualTo(Origin.DEFAULT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            handlers in the file                    | handlers = 3       |                  |               | STATIC
            handlers in the environment             |                    | HERD_HANDLERS=3  |               | STATIC
            handlers on the command line            |                    |                  | 3             | STATIC
            neither                                 |                    |                  |               | ADAPTIVE
            scaling in the file, handlers in env    | scaling = "spare"  | HERD_HANDLERS=3  |               | SPARE
            scaling in env, handlers on the line    |                    | HERD_SCALING=spare | 3           | SPARE
            """)
    void handlersAloneSelectsStaticFromAnyLayer(String name, String fileLine, String variable, String handlers,
                                                Settings.Scaling scaling) throws IOException {
        file = dir.resolve("herd.toml");
        Files.writeString(file, fileLine == null ? "" : fileLine + "\n");
        Map<Setting<?>, String> commandLine = new HashMap<>(Map.of(Settings.CONFIG, file.toString()));
        if (handlers != null) {
            commandLine.put(Settings.HANDLERS, handlers);
        }
        Map<String, String> environment = variable == null ? Map.of()
                : Map.of(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));

        assertThat(Settings.scaling(source(commandLine, environment).load())).isEqualTo(scaling);
    }

    @Test
    void theFileIsTheOneTheCommandLineNamesElseTheEnvironments() throws IOException {
        Path fromEnvironment = Files.writeString(dir.resolve("env.toml"), "backlog = 10\n");
        Path fromCommandLine = Files.writeString(dir.resolve("cli.toml"), "\nbacklog = 20\n");
        Map<String, String> environment = Map.of("HERD_CONFIG", fromEnvironment.toString());

        Config byEnvironment = source(Map.of(), environment).load();
        Config byCommandLine = source(Map.of(Settings.CONFIG, fromCommandLine.toString()), environment).load();

        assertThat(byEnvironment.get(Settings.BACKLOG)).isEqualTo(10);
        assertThat(byEnvironment.origin(Settings.BACKLOG)).isEqualTo(new Origin.File(fromEnvironment, 1));
        assertThat(byEnvironment.origin(Settings.CONFIG)).isEqualTo(new Origin.Environment("HERD_CONFIG"));
        assertThat(byCommandLine.get(Settings.BACKLOG)).isEqualTo(20);
        assertThat(byCommandLine.origin(Settings.BACKLOG)).isEqualTo(new Origin.File(fromCommandLine, 2));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            classpath = ["DIR/a.jar", "DIR/*"]                   | classpath        | DIR/a.jar:DIR/*
            classpath = "DIR/a.jar:DIR/*"                        | classpath        | DIR/a.jar:DIR/*
            classpath = []                                       | classpath        | ''
            handler-jvm-opts = ["-Xmx32m", "-XX:+UseSerialGC"]   | handler-jvm-opts | -Xmx32m -XX:+UseSerialGC
            handler-jvm-opts = "-Xmx32m -XX:+UseSerialGC"        | handler-jvm-opts | -Xmx32m -XX:+UseSerialGC
            static-listing = true                                | static-listing   | on
            static-listing = false                               | static-listing   | off
            static-listing = "on"                                | static-listing   | on
            max-requests = 100                                   | max-requests     | 100
            max-requests = "off"                                 | max-requests     | off
            max-handlers = "7"                                   | max-handlers     | 7
            max-body = "64k"                                     | max-body         | 64k
            'bind = "[::1]:9000"'                                | bind             | [::1]:9000
            """)
    void typedValuesReadAsTheSameTextOnTheCommandLine(String line, String name, String text) throws IOException {
        // An empty jar: a zip archive's end record and nothing else.
        Files.write(dir.resolve("a.jar"), new byte[]{'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Config config = withFile(line).load();

        Setting<?> setting = Settings.SERVE.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        String expected = text.replace("DIR", dir.toString());
        assertThat(config.text(setting)).isEqualTo(expected);
        assertThat(config.get(setting)).isEqualTo(setting.parse(expected));
        assertThat(config.origin(setting)).isEqualTo(new Origin.File(file, 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            max-handlers = "four"            => FILE:1: max-handlers = "four": expected an integer from 1 to 512
            max-handlers = 0                 => FILE:1: max-handlers = 0: expected an integer from 1 to 512
            max-handlers = 4.5               => FILE:1: max-handlers = 4.5: expected an integer or a string (N)
            max-requests = true              => FILE:1: max-requests = true: expected an integer or a string (N|off), e.g. max-requests = "off"
            timeout = 30                     => FILE:1: timeout = 30: expected a string (DURATION), e.g. timeout = "30s"
            timeout = "30"                   => FILE:1: timeout = "30": expected a number with a unit: 500ms, 30s, 2m or 1h
            static-listing = 1               => FILE:1: static-listing = 1: expected true, false or a string (on|off), e.g. static-listing = false
            static-listing = "yes"           => FILE:1: static-listing = "yes": expected on or off
            classpath = ["a.jar", 2]         => FILE:1: classpath = ["a.jar", 2]: expected a string or an array of strings (PATHS)
            main = ["com.example.Main"]      => FILE:1: main = ["com.example.Main"]: expected a string (CLASS)
            max-handler = 4                  => FILE:1: unknown key 'max-handler' (did you mean max-handlers?)
            graceful_timeout = "5s"          => FILE:1: unknown key 'graceful_timeout' (did you mean graceful-timeout?)
            frobnicate = 1                   => FILE:1: unknown key 'frobnicate': the keys are the long option names of herd serve (see herd serve --help)
            [tls]                            => FILE:1: 'tls' is a table: herd's keys are option names, flat at top level, e.g. max-handlers = 4
            pool.max-handlers = 4            => FILE:1: 'pool' is a table: herd's keys are option names, flat at top level, e.g. max-handlers = 4
            config = "other.toml"            => FILE:1: config: a configuration file cannot name another one; give it with --config or HERD_CONFIG
            max-handlers =                   => FILE:1: invalid TOML: Unexpected end of line, expected a value
            max-handlers = 4 4               => FILE:1: invalid TOML: Unexpected '4', expected a newline or end-of-input
            """)
    void aBadFileIsRefusedWithItsLineAndTheAcceptedForms(String line, String message) throws IOException {
        LayeredConfig source = withFile(line);
        assertThatIllegalArgumentException().isThrownBy(source::load)
                .withMessage(message.replace("FILE", file.toString()));
    }

    @Test
    void theFirstMistakeFromTheTopIsReportedOnItsOwnLine() throws IOException {
        LayeredConfig source = withFile("# herd", "", "backlog = 10", "threads = 99", "max-body = 5");
        assertThatIllegalArgumentException().isThrownBy(source::load)
                .withMessage(file + ":4: threads = 99: expected an integer from 1 to 64, or auto");
    }

    @Test
    void crossSettingConflictsNameEachValuesOrigin() throws IOException {
        file = Files.writeString(dir.resolve("herd.toml"), "min-handlers = 9\n");
        LayeredConfig source = source(Map.of(Settings.CONFIG, file.toString()), Map.of("HERD_MAX_HANDLERS", "8"));
        assertThatIllegalArgumentException().isThrownBy(source::load)
                .withMessage("--min-handlers (9, " + file + ":1) must not exceed --max-handlers (8, env HERD_MAX_HANDLERS)");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            HERD_MAX_HANDLERS | four   | invalid value for HERD_MAX_HANDLERS: 'four': expected an integer from 1 to 512
            HERD_TIMEOUT      | 5      | invalid value for HERD_TIMEOUT: '5': expected a number with a unit: 500ms, 30s, 2m or 1h
            HERD_ADMIN        | unix:/x| invalid value for HERD_ADMIN: 'unix:/x': the admin address must be HOST:PORT, [IPv6]:PORT or off
            HERD_CONFIG       | DIR/missing.toml | cannot read the configuration file DIR/missing.toml (from HERD_CONFIG): no such file
            HERD_CONFIG       | DIR    | cannot read the configuration file DIR (from HERD_CONFIG): Is a directory
            """)
    void aBadEnvironmentVariableIsRefusedByName(String variable, String value, String message) {
        LayeredConfig source = source(Map.of(), Map.of(variable, value.replace("DIR", dir.toString())));
        assertThatIllegalArgumentException().isThrownBy(source::load)
                .withMessage(message.replace("DIR", dir.toString()));
    }

    @Test
    void aMissingFileNamedOnTheCommandLineIsRefusedByName() {
        Path missing = dir.resolve("missing.toml");
        LayeredConfig source = source(Map.of(Settings.CONFIG, missing.toString()), Map.of());
        assertThatIllegalArgumentException().isThrownBy(source::load)
                .withMessage("cannot read the configuration file " + missing + " (from --config): no such file");
    }

    @Test
    void aBadCommandLineValueIsRefusedByOption() {
        LayeredConfig source = source(Map.of(Settings.TIMEOUT, "5"), Map.of());
        assertThatIllegalArgumentException().isThrownBy(source::load)
                .withMessage("invalid value for --timeout: '5': expected a number with a unit: 500ms, 30s, 2m or 1h");
    }

    @Test
    void unknownHerdVariablesAreWarnedAboutNotRefused() {
        LayeredConfig source = source(Map.of(), Map.of("HERD_MAX_HANDLER", "3", "HERD_FROBNICATE", "1",
                "HERD_TIMEOUT", "5s", "HOME", "/root", "HERDSMAN", "x"));

        assertThat(source.warnings()).containsExactly(
                "HERD_FROBNICATE is not a setting of herd serve, ignored",
                "HERD_MAX_HANDLER is not a setting of herd serve, ignored (did you mean HERD_MAX_HANDLERS?)");
        assertThat(source.load().get(Settings.TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void programArgumentsComeFromTheCommandLineOnly() {
        Config config = new LayeredConfig(Map.of(), List.of("--port", "1"), Map.of("HERD_ARGS", "x")).load();
        assertThat(config.programArgs()).containsExactly("--port", "1");
    }

    @Test
    void everyLoadReadsTheFileAgainAndABadEditChangesNothing() throws IOException {
        LayeredConfig source = withFile("max-body = \"64k\"");
        Config first = source.load();

        Files.writeString(file, "# edited\nmax-body = \"128k\"\n");
        Config second = source.load();

        Files.writeString(file, "max-body = \"lots\"\n");
        assertThatIllegalArgumentException().isThrownBy(source::load)
                .withMessage(file + ":1: max-body = \"lots\": expected " + "a number with a unit: 512k, 64m or 1g (or 100b for bytes)");

        Files.delete(file);
        assertThatIllegalArgumentException().isThrownBy(source::load).withMessageContaining("no such file");

        Files.writeString(file, "max-body = \"256k\"\n");
        Config fourth = source.load();

        assertThat(first.get(Settings.MAX_BODY)).isEqualTo(64 * 1024L);
        assertThat(second.get(Settings.MAX_BODY)).isEqualTo(128 * 1024L);
        assertThat(second.origin(Settings.MAX_BODY)).isEqualTo(new Origin.File(file, 2));
        assertThat(fourth.get(Settings.MAX_BODY)).isEqualTo(256 * 1024L);
        assertThat(first.origin(Settings.MAX_BODY)).isEqualTo(new Origin.File(file, 1));
    }

    @Test
    void withNothingGivenEverySettingHasItsDefault() {
        Config config = source(Map.of(), Map.of()).load();
        for (Setting<?> s : Settings.SERVE) {
            assertThat(config.origin(s)).as(s.name()).isEqualTo(Origin.DEFAULT);
            assertThat(config.text(s)).as(s.name()).isEqualTo(s.defaultText());
        }
    }
}
