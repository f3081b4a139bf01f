package dev.herd.cli;

import dev.herd.cli.config.LayeredConfig;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The options reference in docs/configuration.md is what the declarations generate, and that page's examples load. */
class OptionsReferenceTest {
    /** Tests run in herd-cli/; the generated page is the repository's. */
    private static final Path ROOT = Path.of("..");

    /** A fenced TOML block of a Markdown page. */
    private static final Pattern TOML = Pattern.compile("(?m)^```toml\\n(.*?)^```$", Pattern.DOTALL);

    @Test
    void theReferenceMatchesTheDeclarations() throws IOException {
        for (Map.Entry<Path, String> file : OptionsReference.files(ROOT).entrySet()) {
            Path path = ROOT.resolve(file.getKey());
            assertThat(Files.readString(path))
                    .as(file.getKey() + " differs from the declarations in Settings.java: run "
                            + OptionsReference.COMMAND + " at the repository's root")
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void everyOptionIsInTheReferenceWithItsVariableAndKey() {
        String reference = OptionsReference.reference();
        for (Setting<?> s : Settings.SERVE) {
            String option = "`" + (s.option() + " " + s.label()).replace("|", "\\|") + "`";
            assertThat(reference).as(s.name()).contains("| " + option + " |").contains("`" + s.environmentVariable() + "`");
        }
        assertThat(reference).contains("\n### Address\n", "`max-handlers`: an integer or a string",
                "`classpath`: a string or an array of strings", "`static-listing`: true, false or a string", "| 2 × CPUs |");
    }

    @Test
    void theConfigurationFilesOfThePageLoad(@TempDir Path dir) throws IOException {
        Matcher blocks = TOML.matcher(Files.readString(ROOT.resolve(OptionsReference.PAGE)));
        int loaded = 0;
        while (blocks.find()) {
            Path file = Files.writeString(dir.resolve("herd-" + loaded + ".toml"), blocks.group(1));
            assertThatCode(() -> new LayeredConfig(Map.of(Settings.CONFIG, file.toString()), List.of(), Map.of()).load())
                    .as("the TOML example of " + OptionsReference.PAGE + ":\n" + blocks.group(1))
                    .doesNotThrowAnyException();
            loaded++;
        }
        assertThat(loaded).as("TOML examples in " + OptionsReference.PAGE).isPositive();
    }

    @Test
    void docsChecksThenWritesThePage(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Path page = root.resolve("docs/configuration.md");
        Files.writeString(page, "# Configuration\n\n" + OptionsReference.BEGIN + "\nold\n"
                + OptionsReference.END + "\n\nmore\n");

        StringWriter out = new StringWriter();
        assertThat(docs(out, "--root", root.toString())).isEqualTo(1);
        assertThat(out.toString()).isEqualTo("docs/configuration.md differs from the declarations: run ./herd docs --write\n");

        out.getBuffer().setLength(0);
        assertThat(docs(out, "--write", "--root", root.toString())).isZero();
        assertThat(out.toString()).isEqualTo("wrote docs/configuration.md\n");
        assertThat(Files.readString(page)).startsWith("# Configuration\n\n" + OptionsReference.BEGIN
                + "\n\n### Configuration\n\n| option |").endsWith("\n\n" + OptionsReference.END + "\n\nmore\n")
                .doesNotContain("\nold\n").contains(OptionsReference.reference());

        out.getBuffer().setLength(0);
        assertThat(docs(out, "--root", root.toString())).isZero();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void docsWithoutThePageOrItsMarkersIsAUsageError(@TempDir Path root) throws IOException {
        StringWriter err = new StringWriter();
        assertThat(docsErr(err, "--root", root.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("docs/configuration.md not found");

        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/configuration.md"), "# Configuration\n");
        err.getBuffer().setLength(0);
        assertThat(docsErr(err, "--root", root.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("docs/configuration.md has no '" + OptionsReference.BEGIN);
    }

    private static int docs(StringWriter out, String... args) {
        CommandLine cli = Main.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(docsArgs(args));
    }

    private static int docsErr(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine(Map.of());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(docsArgs(args));
    }

    private static String[] docsArgs(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "docs";
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
