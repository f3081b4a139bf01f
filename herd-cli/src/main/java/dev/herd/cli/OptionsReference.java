package dev.herd.cli;

import dev.herd.cli.config.TomlFile;
import dev.herd.config.Setting;
import dev.herd.config.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference of {@code herd serve}'s options, generated from the declarations in {@link Settings}: a table
 * per section, with each option's default, whether a reload applies it, its environment variable and its key
 * in the configuration file. It has one place, docs/configuration.md, between {@link #BEGIN} and {@link #END};
 * the rest of that page (how the layers combine, the file's format) is written by hand. {@code herd docs
 * --write} writes it; a test fails when it drifts.
 */
final class OptionsReference {
    static final String BEGIN = "<!-- options:begin: generated from Settings.java by ./herd docs --write -->";
    static final String END = "<!-- options:end -->";
    static final String COMMAND = "./herd docs --write";
    static final Path PAGE = Path.of("docs", "configuration.md");

    /** Option names in prose, with a value such as {@code =ALL-UNNAMED} when one follows. */
    private static final Pattern OPTION = Pattern.compile("(?<![\\w`-])--[a-z][a-z0-9-]*(=[A-Za-z0-9_-]+)?");

    private OptionsReference() {
    }

    /**
     * What each generated file under {@code root} should contain, by its path relative to {@code root}: the
     * page as it is, with the reference between the markers generated anew.
     *
     * @throws IllegalStateException when the page is missing, or has no pair of markers to put the reference between
     */
    static Map<Path, String> files(Path root) throws IOException {
        Path page = root.resolve(PAGE);
        if (!Files.isRegularFile(page)) {
            throw new IllegalStateException(PAGE + " not found");
        }
        return Map.of(PAGE, withReference(Files.readString(page)));
    }

    /** {@code page} with what lies between the markers replaced by the generated reference. */
    static String withReference(String page) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(PAGE + " has no '" + BEGIN + "' ... '" + END
                    + "' to put the options reference between");
        }
        return page.substring(0, begin + BEGIN.length()) + "\n" + reference() + "\n" + page.substring(end);
    }

    /** Every option, by section: a heading and a table each. */
    static String reference() {
        StringBuilder out = new StringBuilder();
        for (Setting.Section section : Setting.Section.values()) {
            List<Setting<?>> settings = Settings.SERVE.stream().filter(s -> s.section() == section).toList();
            if (!settings.isEmpty()) {
                out.append("\n### ").append(section.title()).append("\n\n").append(table(settings, List.of(
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
