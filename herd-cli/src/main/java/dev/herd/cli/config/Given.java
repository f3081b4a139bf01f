package dev.herd.cli.config;

import dev.herd.config.Origin;
import dev.herd.config.Setting;

/** A value one layer gives a setting, already checked by the setting's parser. */
record Given(Setting<?> setting, String text, Origin origin) {

    /**
     * @param where how the refusal names the value, e.g. {@code herd.toml:7: max-handlers = "four"}
     * @throws IllegalArgumentException "{@code where}: expected ..." when the parser refuses the text
     */
    static Given checked(Setting<?> setting, String text, Origin origin, String where) {
        try {
            setting.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        return new Given(setting, text, origin);
    }
}
