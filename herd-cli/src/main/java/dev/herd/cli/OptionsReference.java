package dev.herd.cli;

import dev.herd.cli.config.TomlFile;
import dev.herd.config.Setting;
import dev.herd.config.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference tables of {@code herd serve}'s options, generated from the declarations in
 * {@link Settings}: the table in README.md (between {@link #BEGIN} and {@link #END}) and
 * docs/options.md. {@code herd docs --write} writes them; a test fails when they drift.
 */
final class OptionsReference {
    static final String BEGIN = "<!-- options:begin: generated from Settings.java by ./herd docs --write -->";
    static final String END = "<!-- options:end -->";
    static final String COMMAND = "./herd docs --write";
    static final Path README = Path.of("README.md");
    static final Path OPTIONS = Path.of("docs", "options.md");

    /** A configuration file that shows every typed form; a test loads it. */
    static final String EXAMPLE = """
            # herd.toml: keys are the long option names, values read as on the command line
            bind = "0.0.0.0:8080"
            admin = "off"
            max-handlers = 8
            graceful-timeout = "30s"
            max-body = "4m"
            static-listing = false
            handler-jvm-opts = ["-Xms32m", "-Xmx128m", "-XX:+UseSerialGC"]
            """;

    /** Option names in prose, with a value such as {@code =ALL-UNNAMED} when one follows. */
    private static final Pattern OPTION = Pattern.compile("(?<![\\w`-])--[a-z][a-z0-9-]*(=[A-Za-z0-9_-]+)?");

    private OptionsReference() {
    }

    /**
     * What each generated file under {@code root} should contain, by its path relative to {@code root}.
     *
     * @throws IllegalStateException when README.md has no pair of markers to put the table between
     */
    static Map<Path, String> files(Path root) throws IOException {
        Map<Path, String> files = new LinkedHashMap<>();
        files.put(README, withTable(Files.readString(root.resolve(README))));
        files.put(OPTIONS, options());
        return files;
    }

    /** {@code readme} with the table between the markers replaced by the generated one. */
    static String withTable(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("README.md has no '" + BEGIN + "' ... '" + END
                    + "' to put the options table between");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + table(Settings.SERVE, List.of(
                new Column("option", OptionsReference::option),
                new Column("default", OptionsReference::defaultValue),
                new Column("reload", OptionsReference::reload),
                new Column("meaning", s -> prose(s.doc())))) + readme.substring(end);
    }

    /** docs/options.md: how the layers combine, the file's format with an example, every option by section. */
    static String options() {
        StringBuilder out = new StringBuilder();
        out.append("""
                # Options of `herd serve`

                <!-- Generated from herd-common/src/main/java/dev/herd/config/Settings.java by %s: edit the
                declarations there, then regenerate. A test fails when this file and the declarations differ. -->

                Every option can be given in three places; the first of them that gives it wins:

                1. the command line: `--max-handlers 8`;
                2. the environment: `HERD_` and the option's name in upper case with `_` for `-`: `HERD_MAX_HANDLERS=8`;
                3. the configuration file that `--config FILE` (or `HERD_CONFIG`) names: `max-handlers = 8`;

                and otherwise it has its default. `./herd config`, given the same options, prints what `./herd serve`
                would run with and where each value came from (`--json` too). `herd serve` and `herd config` refuse a
                bad value, file or variable at start with exit status 2, naming the file and line or the variable and
                the accepted forms; an unknown `HERD_*` variable only gets a warning.

                ## The configuration file

                TOML, with the long option names as keys, flat at top level (no tables). A value may always be a string,
                read as on the command line (durations and sizes carry their unit: `"30s"`, `"64m"`). Options that take a
                number also take a TOML integer, `on|off` options a boolean, and `classpath` (joined with `:`) and
                `handler-jvm-opts` (joined with blanks) an array of strings. Relative paths are relative to the directory
                herd runs in, as on the command line. Program arguments (after `--`) come from the command line only.

                ```toml
                %s```

                A reload reads the file again and applies what changed, except to the options marked *restart*: they keep
                the value the server started with until it restarts.
                """.formatted(COMMAND, EXAMPLE));
        for (Setting.Section section : Setting.Section.values()) {
            List<Setting<?>> settings = Settings.SERVE.stream().filter(s -> s.section() == section).toList();
            if (!settings.isEmpty()) {
                out.append("\n## ").append(section.title()).append("\n\n").append(table(settings, List.of(
                        new Column("option", OptionsReference::option),
                        new Column("default", OptionsReference::defaultValue),
                        new Column("reload", OptionsReference::reload),
                        new Column("environment", s -> code(s.environmentVariable())),
                        new Column("in the file", OptionsReference::fileKey),
                        new Column("meaning", s -> prose(s.doc())))));
            }
        }
        return out.toString();
    }

    private record Column(String title, Function<Setting<?>, String> cell) {
    }

    private static String table(List<Setting<?>> settings, List<Column> columns) {
        StringBuilder out = new StringBuilder();
        out.append(row(columns.stream().map(Column::title).toList()));
        out.append(row(columns.stream().map(c -> "---").toList()));
        for (Setting<?> s : settings) {
            out.append(row(columns.stream().map(c -> c.cell().apply(s)).toList()));
        }
        return out.toString();
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String option(Setting<?> s) {
        return code(s.option() + " " + s.label());
    }

    /** The default as the reference shows it: code when it is the text itself, prose ("2 × CPUs") otherwise. */
    private static String defaultValue(Setting<?> s) {
        if (!s.shownDefault().equals(s.defaultText())) {
            return s.shownDefault();
        }
        return s.defaultText().isEmpty() ? "" : code(s.defaultText());
    }

    private static String fileKey(Setting<?> s) {
        return s == Settings.CONFIG ? "(not in the file itself)" : code(s.name()) + ": " + TomlFile.forms(s.kind());
    }

    private static String reload(Setting<?> s) {
        return s.reloadable() ? "yes" : "restart";
    }

    private static String code(String text) {
        // A '|' would end the table cell, even inside a code span (GitHub's tables).
        return "`" + text.replace("|", "\\|") + "`";
    }

    private static String prose(String text) {
        Matcher m = OPTION.matcher(text.replace("|", "\\|"));
        return m.replaceAll(r -> Matcher.quoteReplacement("`" + r.group() + "`"));
    }
}
