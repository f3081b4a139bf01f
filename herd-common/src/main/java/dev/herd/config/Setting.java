package dev.herd.config;

import java.time.Duration;
import java.util.function.Function;

/**
 * One setting, declared once: its option name, its type (through its parser), its default and
 * its documentation. The command line's options, {@code --help}, the values handed to handler
 * processes and the reference in the README all come from these declarations.
 *
 * @param name    the option's name without dashes, e.g. {@code graceful-timeout}
 * @param label   the value's placeholder in help, e.g. {@code DURATION}
 * @param defaultText the default, written as a user would write it
 * @param doc     one sentence for {@code --help}
 * @param parser  turns text into the typed value; throws {@link IllegalArgumentException} whose
 *                message says which forms are accepted
 */
public record Setting<T>(String name, String label, String defaultText, String doc, Function<String, T> parser) {

    public Setting {
        // A default that does not parse is a bug in the declaration: fail at class load.
        parser.apply(defaultText);
    }

    public T parse(String text) {
        return parser.apply(text);
    }

    public T defaultValue() {
        return parser.apply(defaultText);
    }

    public String option() {
        return "--" + name;
    }

    static Setting<Duration> duration(String name, String defaultText, String doc) {
        return new Setting<>(name, "DURATION", defaultText, doc, Values::duration);
    }

    static Setting<Long> size(String name, String defaultText, String doc) {
        return new Setting<>(name, "SIZE", defaultText, doc, Values::size);
    }

    static Setting<Integer> integer(String name, String defaultText, int min, int max, String doc) {
        return new Setting<>(name, "N", defaultText, doc, text -> Values.integer(text, min, max));
    }

    static Setting<String> text(String name, String label, String defaultText, String doc) {
        return new Setting<>(name, label, defaultText, doc, Function.identity());
    }
}
