package dev.herd.cli;

import dev.herd.cli.config.LayeredConfig;
import dev.herd.config.Config;
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

import static org.assertj.core.api.Assertions.assertThat;

/** README.md's options table and docs/options.md are what the declarations generate. */
class OptionsReferenceTest {
    /** Tests run in herd-cli/; the generated files are the repository's. */
    private static final Path ROOT = Path.of("..");

    @Test
    void theReferenceMatchesTheDeclarations() throws IOException {
        for (Map.Entry<Path, String> file : OptionsReference.files(ROOT).entrySet()) {
            Path path = ROOT.resolve(file.getKey());
            assertThat(Files.exists(path) ? Files.readString(path) : "")
                    .as(file.getKey() + " differs from the declarations in Settings.java: run "
                            + OptionsReference.COMMAND + " at the repository's root")
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void everyOptionIsInBothTablesWithItsVariableAndKey() {
        String readme = OptionsReference.withTable(OptionsReference.BEGIN + "\n" + OptionsReference.END + "\n");
        String options = OptionsReference.options();
        for (Setting<?> s : Settings.SERVE) {
            String option = "`" + (s.option() + " " + s.label()).replace("|", "\\|") + "`";
            assertThat(readme).as(s.name()).contains("| " + option + " |");
            assertThat(options).as(s.name()).contains("| " + option + " |").contains("`" + s.environmentVariable() + "`");
        }
        assertThat(options).contains("`max-handlers`: an integer or a string", "`classpath`: a string or an array of strings",
                "`static-listing`: true, false or a string", "| 2 × CPUs |");
    }

    @Test
    void theExampleFileInTheReferenceLoads(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("herd.toml"), OptionsReference.EXAMPLE);

        Config config = new LayeredConfig(Map.of(Settings.CONFIG, file.toString()), List.of(), Map.of()).load();

        assertThat(config.get(Settings.MAX_HANDLERS)).isEqualTo(8);
        assertThat(config.get(Settings.STATIC_LISTING)).isFalse();
        assertThat(config.text(Settings.HANDLER_JVM_OPTS)).isEqualTo("-Xms32m -Xmx128m -XX:+UseSerialGC");
        assertThat(OptionsReference.options()).contains(OptionsReference.EXAMPLE);
    }

    @Test
    void docsChecksThenWritesTheFiles(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("README.md"), "# herd\n\n" + OptionsReference.BEGIN + "\nold\n"
                + OptionsReference.END + "\n\nmore\n");

        StringWriter out = new StringWriter();
        assertThat(docs(out, "--root", root.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("README.md differs from the declarations: run ./herd docs --write")
                .contains("docs/options.md differs");

        out.getBuffer().setLength(0);
        assertThat(docs(out, "--write", "--root", root.toString())).isZero();
        assertThat(out.toString()).contains("wrote README.md").contains("wrote docs/options.md");
        assertThat(Files.readString(root.resolve("README.md"))).startsWith("# herd\n\n" + OptionsReference.BEGIN
                + "\n| option |").endsWith(OptionsReference.END + "\n\nmore\n").doesNotContain("\nold\n");
        assertThat(Files.readString(root.resolve("docs/options.md"))).isEqualTo(OptionsReference.options());

        out.getBuffer().setLength(0);
        assertThat(docs(out, "--root", root.toString())).isZero();
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void docsWithoutMarkersInTheReadmeIsAUsageError(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("README.md"), "# herd\n");
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(Map.of());
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("docs", "--root", root.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("README.md has no '" + OptionsReference.BEGIN);
    }

    private static int docs(StringWriter out, String... args) {
        CommandLine cli = Main.commandLine(Map.of());
        cli.setOut(new PrintWriter(out, true));
        String[] all = new String[args.length + 1];
        all[0] = "docs";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }
}
