package dev.herd.cli.config;

import dev.herd.config.Origin;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The configuration file: TOML whose keys are exactly the long option names of {@code herd serve},
 * flat at top level. A value is a string, read by the setting's own parser as if it were given on
 * the command line; numbers may also be TOML integers, {@code on|off} settings booleans, and the
 * lists ({@code classpath}, {@code handler-jvm-opts}) arrays of strings.
 */
public final class TomlFile {
    private static final Map<String, Setting<?>> BY_NAME = Settings.SERVE.stream()
            .collect(Collectors.toMap(Setting::name, Function.identity()));

    private TomlFile() {
    }

    /**
     * Reads every key of {@code file}, top to bottom.
     *
     * @param givenBy what named the file, for a file that cannot be read: {@code --config} or
     *                {@code HERD_CONFIG}
     * @throws IllegalArgumentException the file and line, what is wrong and the accepted forms
     */
    static List<Given> read(Path file, String givenBy) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the configuration file " + file + " (from " + givenBy
                    + "): " + reason(e), e);
        }
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            TomlParseError error = toml.errors().getFirst();
            throw new IllegalArgumentException(file + ":" + error.position().line() + ": invalid TOML: "
                    + error.getMessage());
        }
        // Top to bottom, so that the first mistake in the file is the one reported.
        return toml.keySet().stream()
                .sorted(Comparator.comparingInt(key -> line(toml, key)))
                .map(key -> entry(file, line(toml, key), key, toml.get(List.of(key))))
                .toList();
    }

    private static Given entry(Path file, int line, String key, Object value) {
        String where = file + ":" + line;
        if (value instanceof TomlTable) {
            throw new IllegalArgumentException(where + ": '" + key + "' is a table: herd's keys are option names, "
                    + "flat at top level, e.g. max-handlers = 4");
        }
        Setting<?> setting = BY_NAME.get(key);
        if (setting == null) {
            throw new IllegalArgumentException(where + ": unknown key '" + key + "'"
                    + Names.closest(key, BY_NAME.keySet())
                            .map(name -> " (did you mean " + name + "?)")
                            .orElse(": the keys are the long option names of herd serve (see herd serve --help)"));
        }
        if (setting == Settings.CONFIG) {
            throw new IllegalArgumentException(where + ": config: a configuration file cannot name another one; "
                    + "give it with --config or HERD_CONFIG");
        }
        String given = key + " = " + literal(value);
        String text = text(setting.kind(), value).orElseThrow(() -> new IllegalArgumentException(where + ": " + given
                + ": expected " + forms(setting.kind()) + " (" + setting.label() + ")"
                + example(setting).map(e -> ", e.g. " + e).orElse("")));
        return Given.checked(setting, text, new Origin.File(file, line), where + ": " + given);
    }

    /** The setting's text for a value of an accepted TOML type; empty for any other type. */
    private static Optional<String> text(Setting.Kind kind, Object value) {
        return Optional.ofNullable(switch (value) {
            case String s -> s;
            case Long n when kind == Setting.Kind.NUMBER -> n.toString();
            case Boolean on when kind == Setting.Kind.SWITCH -> on ? "on" : "off";
            case TomlArray items when kind.separator() != null && allStrings(items) -> items.toList().stream()
                    .map(String.class::cast)
                    .collect(Collectors.joining(kind.separator()));
            default -> null;
        });
    }

    /** The TOML types a setting of {@code kind} accepts, as the reference and error messages say them. */
    public static String forms(Setting.Kind kind) {
        return switch (kind) {
            case TEXT -> "a string";
            case NUMBER -> "an integer or a string";
            case SWITCH -> "true, false or a string";
            case PATH_LIST, WORD_LIST -> "a string or an array of strings";
        };
    }

    /**
     * The setting with its default, as a line of the file ({@code timeout = "30s"}); empty when the
     * default is blank, depends on the machine, or is a list (too long to help).
     */
    private static Optional<String> example(Setting<?> setting) {
        String value = setting.defaultText();
        if (value.isBlank() || !value.equals(setting.shownDefault()) || setting.kind().separator() != null) {
            return Optional.empty();
        }
        Object typed = switch (setting.kind()) {
            case NUMBER -> value.chars().allMatch(Character::isDigit) ? Long.parseLong(value) : value;
            case SWITCH -> value.equals("on");
            default -> value;
        };
        return Optional.of(setting.name() + " = " + literal(typed));
    }

    /** A value as TOML writes it, to show the user what was read. */
    private static String literal(Object value) {
        return switch (value) {
            case String s -> "\"" + Toml.tomlEscape(s) + "\"";
            case TomlArray items -> items.toList().stream().map(TomlFile::literal)
                    .collect(Collectors.joining(", ", "[", "]"));
            case TomlTable table -> "{...}";
            default -> String.valueOf(value);
        };
    }

    private static boolean allStrings(TomlArray items) {
        return items.toList().stream().allMatch(String.class::isInstance);
    }

    private static int line(TomlTable toml, String key) {
        return toml.inputPositionOf(List.of(key)).line();
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
