package dev.herd.cli;

import dev.herd.config.Setting;
import dev.herd.config.Settings;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options of {@code herd serve} as the user meets them. Every case here is refused while
 * parsing, or asks for help: none starts a server.
 */
class ServeOptionsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cli = Main.commandLine(java.util.Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--timeout          | 5      | 500ms, 30s",
            "--keepalive-timeout| 1.5s   | 500ms, 30s",
            "--max-body         | 10     | 512k, 64m or 1g",
            "--max-header-size  | 16kb   | 512k, 64m or 1g",
            "--handlers         | 0      | from 1 to 512",
            "--threads          | 65     | from 1 to 64",
            "--backlog          | lots   | from 1 to 65535",
            "--bind             | nope   | HOST:PORT",
            "--admin            | unix:/x| HOST:PORT, [IPv6]:PORT or off",
    })
    void anInvalidValueIsAUsageErrorNamingTheOptionAndTheForms(String option, String value, String forms) {
        int status = execute("serve", option, value);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains(option).contains("'" + value + "'").contains(forms);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(execute("serve", "--frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option").contains("--frobnicate");
    }

    @Test
    void aConfigurationFileThatCannotBeReadIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        Path missing = dir.resolve("herd.toml");

        assertThat(execute("serve", "--config", missing.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("herd: cannot read the configuration file " + missing
                + " (from --config): no such file" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aBadValueInTheConfigurationFileIsRefusedWithItsLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("herd.toml"), "# pool\n\nmax-handlers = \"four\"\n");

        assertThat(execute("serve", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("herd: " + file + ":3: max-handlers = \"four\": expected an integer "
                + "from 1 to 512" + System.lineSeparator());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        assertThat(execute("serve", "--help")).isZero();

        // picocli wraps descriptions at blanks and after punctuation ("-XX:" | "+Unlock..."): compare
        // with all white space taken out.
        String help = out.toString().replaceAll("\\s+", "");
        for (Setting<?> s : Settings.SERVE) {
            assertThat(help).as(s.name())
                    .contains(s.option() + "=" + s.label())
                    .contains(("Default:" + (s.defaultText().isEmpty() ? "none" : s.defaultText()) + ".")
                            .replaceAll("\\s+", ""));
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpKeepsTheDeclarationOrder() {
        execute("serve", "--help");
        String help = out.toString();
        int previous = -1;
        for (Setting<?> s : Settings.SERVE) {
            // The option list, not the synopsis (which picocli sorts): lines that start with the option.
            Matcher line = Pattern.compile("(?m)^ +" + Pattern.quote(s.option() + "=")).matcher(help);
            assertThat(line.find()).as(s.name()).isTrue();
            assertThat(line.start()).as(s.name()).isGreaterThan(previous);
            previous = line.start();
        }
    }
}
