package dev.herd.config;

import java.io.File;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One setting, declared once: its option name, its type (through its parser), its default, its
 * documentation and its metadata. The command line's options, {@code --help}, the configuration
 * file's keys, the environment variables, the values handed to handler processes and the reference
 * tables (docs/configuration.md) all come from these declarations.
 *
 * <p>Declarations stay short: the factories pick the {@link Kind}, and the copy methods
 * {@link #in}, {@link #needsRestart}, {@link #ofKind} and {@link #documentedDefault} add the rest.
 *
 * @param name        the option's name without dashes, e.g. {@code graceful-timeout}; also the
 *                    configuration file's key
 * @param label       the value's placeholder in help, e.g. {@code DURATION}
 * @param defaultText the default, written as a user would write it
 * @param doc         what the setting does, for {@code --help} and the reference
 * @param parser      turns text into the typed value; throws {@link IllegalArgumentException} whose
 *                    message says which forms are accepted
 * @param kind        what the value is beyond text, for formats with types of their own (TOML)
 * @param section     where the reference lists it
 * @param reloadable  whether a reload applies a changed value; if not, it takes a restart
 * @param shownDefault the default as the reference shows it, when {@code defaultText} depends on
 *                    the machine (e.g. "2 × CPUs")
 */
public record Setting<T>(String name, String label, String defaultText, String doc, Function<String, T> parser,
                         Kind kind, Section section, boolean reloadable, String shownDefault) {

    /** What a value is beyond its text: which typed forms a configuration file may use for it. */
    public enum Kind {
        /** Text only, read by the setting's parser. */
        TEXT,
        /** A whole number, or text such as {@code off}. */
        NUMBER,
        /** {@code on} or {@code off}: a boolean. */
        SWITCH,
        /** A list of paths, written joined by the path separator ({@code :}). */
        PATH_LIST,
        /** A list of words, written joined by blanks. */
        WORD_LIST;

        /** What joins the items of a list into the setting's text; null for a single value. */
        public String separator() {
            return switch (this) {
                case PATH_LIST -> File.pathSeparator;
                case WORD_LIST -> " ";
                default -> null;
            };
        }
    }

    /** The groups the reference lists settings in, in order. */
    public enum Section {
        CONFIGURATION("Configuration"),
        ADDRESS("Address"),
        POOL("Pool and scaling"),
        HANDLERS("Handlers and deadlines"),
        HTTP("HTTP"),
        TLS("TLS and HTTP/2"),
        APPLICATION("Application"),
        /** Arguments the spawner gives its handler processes; never a user's. */
        INTERNAL("Internal");

        private final String title;

        Section(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    public Setting {
        // A default that does not parse is a bug in the declaration: fail at class load.
        parser.apply(defaultText);
    }

    /** A reloadable, internal, plain-text setting: what the factories and copy methods start from. */
    public Setting(String name, String label, String defaultText, String doc, Function<String, T> parser) {
        this(name, label, defaultText, doc, parser, Kind.TEXT, Section.INTERNAL, true, defaultText);
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

    /** The environment variable that sets it: {@code HERD_} and the name, upper case, {@code -} as {@code _}. */
    public String environmentVariable() {
        return "HERD_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** This setting, listed in {@code section}. */
    public Setting<T> in(Section section) {
        return new Setting<>(name, label, defaultText, doc, parser, kind, section, reloadable, shownDefault);
    }

    /** This setting, which a reload does not change: the value the server started with stays. */
    public Setting<T> needsRestart() {
        return new Setting<>(name, label, defaultText, doc, parser, kind, section, false, shownDefault);
    }

    /** This setting, whose default the reference shows as {@code text} instead of this machine's value. */
    public Setting<T> documentedDefault(String text) {
        return new Setting<>(name, label, defaultText, doc, parser, kind, section, reloadable, text);
    }

    /** This setting, whose value is of {@code kind}. */
    public Setting<T> ofKind(Kind kind) {
        return new Setting<>(name, label, defaultText, doc, parser, kind, section, reloadable, shownDefault);
    }

    static Setting<Duration> duration(String name, String defaultText, String doc) {
        return new Setting<>(name, "DURATION", defaultText, doc, Values::duration);
    }

    static Setting<Long> size(String name, String defaultText, String doc) {
        return new Setting<>(name, "SIZE", defaultText, doc, Values::size);
    }

    static Setting<Integer> integer(String name, String defaultText, int min, int max, String doc) {
        return new Setting<>(name, "N", defaultText, doc, text -> Values.integer(text, min, max)).ofKind(Kind.NUMBER);
    }

    /** A count from 1 up, or {@code off} (read as 0). */
    static Setting<Long> countOrOff(String name, String defaultText, String doc) {
        return new Setting<>(name, "N|off", defaultText, doc, text -> text.strip().equalsIgnoreCase("off") ? 0L
                : (long) Values.integerOr(text, 1, Integer.MAX_VALUE, "off")).ofKind(Kind.NUMBER);
    }

    static Setting<Boolean> onOff(String name, String defaultText, String doc) {
        return new Setting<>(name, "on|off", defaultText, doc, Values::onOff).ofKind(Kind.SWITCH);
    }

    /** A value that may be left out: blank (the default) reads as empty. */
    static <V> Setting<Optional<V>> optional(String name, String label, String doc, Function<String, V> parser) {
        return new Setting<>(name, label, "", doc,
                text -> text.isBlank() ? Optional.empty() : Optional.of(parser.apply(text)));
    }

    /** One of the constants of {@code type}, written in lower case: {@code nio|epoll}. */
    static <E extends Enum<E>> Setting<E> choice(String name, Class<E> type, String defaultText, String doc) {
        return new Setting<>(name, Values.choiceLabel(type), defaultText, doc, text -> Values.choice(type, text));
    }

    static Setting<String> text(String name, String label, String defaultText, String doc) {
        return new Setting<>(name, label, defaultText, doc, Function.identity());
    }

    // Written out: a record's own equals and hashCode are bootstrapped at their first call, which
    // costs every handler's boot generated classes (settings are the keys of every Config).
    @Override
    public boolean equals(Object other) {
        return other instanceof Setting<?> that && name.equals(that.name) && Objects.equals(label, that.label)
                && Objects.equals(defaultText, that.defaultText) && Objects.equals(doc, that.doc)
                && Objects.equals(parser, that.parser) && kind == that.kind && section == that.section
                && reloadable == that.reloadable && Objects.equals(shownDefault, that.shownDefault);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
