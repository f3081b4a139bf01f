package dev.herd.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Values for a set of {@link Setting}s, each validated when it is set, and where each came from. A
 * setting that was not given has its declared default.
 */
public final class Config {
    private final Map<Setting<?>, String> texts;
    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, Origin> origins;
    private final List<String> programArgs;

    private Config(Map<Setting<?>, String> texts, Map<Setting<?>, Object> values, Map<Setting<?>, Origin> origins,
                   List<String> programArgs) {
        this.texts = texts;
        this.values = values;
        this.origins = origins;
        this.programArgs = programArgs;
    }

    /** The application's own arguments: what follows {@code --} on the command line. */
    public List<String> programArgs() {
        return programArgs;
    }

    public static Builder builder() {
        return new Builder();
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting);
        return value != null ? (T) value : setting.defaultValue();
    }

    /** The text the value was given as, or the default's. */
    public String text(Setting<?> setting) {
        String text = texts.get(setting);
        return text != null ? text : setting.defaultText();
    }

    /** Whether any layer (command line, environment, file) gave it. */
    public boolean isSet(Setting<?> setting) {
        return texts.containsKey(setting);
    }

    /** Where the value came from: {@link Origin#DEFAULT} when no layer gave it. */
    public Origin origin(Setting<?> setting) {
        return origins.getOrDefault(setting, Origin.DEFAULT);
    }

    /** {@code name=value} arguments for the given settings: how a handler process receives them. */
    public List<String> toArguments(List<Setting<?>> settings) {
        List<String> args = new ArrayList<>();
        for (Setting<?> s : settings) {
            args.add(s.name() + "=" + text(s));
        }
        return args;
    }

    /**
     * Reads {@code name=value} arguments for the given settings.
     *
     * @throws IllegalArgumentException naming the setting and the accepted forms
     */
    public static Config fromArguments(List<Setting<?>> settings, List<String> args) {
        Map<String, Setting<?>> byName = new LinkedHashMap<>();
        settings.forEach(s -> byName.put(s.name(), s));
        Builder builder = builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            Setting<?> setting = eq > 0 ? byName.get(arg.substring(0, eq)) : null;
            if (setting == null) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            builder.set(setting, arg.substring(eq + 1));
        }
        return builder.build();
    }

    public static final class Builder {
        private final Map<Setting<?>, String> texts = new LinkedHashMap<>();
        private final Map<Setting<?>, Object> values = new LinkedHashMap<>();
        private final Map<Setting<?>, Origin> origins = new LinkedHashMap<>();
        private List<String> programArgs = List.of();

        /** The application's own arguments, passed on to it unchanged. */
        public Builder programArgs(List<String> args) {
            this.programArgs = List.copyOf(args);
            return this;
        }

        /**
         * A value given on the command line.
         *
         * @throws IllegalArgumentException "invalid value for --timeout: '5': expected ..."
         */
        public Builder set(Setting<?> setting, String text) {
            return set(setting, text, Origin.COMMAND_LINE);
        }

        /**
         * A value given by {@code origin}; it replaces one set before.
         *
         * @throws IllegalArgumentException "invalid value for --timeout: '5': expected ..."
         */
        public Builder set(Setting<?> setting, String text, Origin origin) {
            Object value;
            try {
                value = setting.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid value for " + setting.option() + ": '" + text + "': "
                        + e.getMessage(), e);
            }
            texts.put(setting, text);
            values.put(setting, value);
            origins.put(setting, origin);
            return this;
        }

        public Config build() {
            return new Config(Map.copyOf(texts), Map.copyOf(values), Map.copyOf(origins), programArgs);
        }
    }
}
