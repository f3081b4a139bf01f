package dev.herd.config;

import java.nio.file.Path;

/**
 * A directory served as static files under a URL prefix: {@code --static [/PREFIX=]DIR}.
 *
 * @param prefix the URL path prefix, {@code ""} for the root, else starting with {@code /} and
 *               without a trailing {@code /} (e.g. {@code /assets})
 * @param dir    the directory, as given
 */
public record StaticMount(String prefix, Path dir) {

    public static final String FORMS = "DIR or /PREFIX=DIR (e.g. ./public or /assets=./public)";

    static StaticMount parse(String text) {
        String s = text.strip();
        String prefix = "";
        String dir = s;
        int eq = s.indexOf('=');
        if (s.startsWith("/") && eq > 0) {
            prefix = s.substring(0, eq);
            dir = s.substring(eq + 1);
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (prefix.contains("//") || prefix.contains("/../") || prefix.endsWith("/..")
                    || prefix.contains("/./") || prefix.endsWith("/.") || prefix.contains("%")
                    || prefix.contains("?") || prefix.contains("#")) {
                throw new IllegalArgumentException("the prefix must be a plain path such as /assets; expected " + FORMS);
            }
        }
        if (dir.isEmpty()) {
            throw new IllegalArgumentException("expected " + FORMS);
        }
        return new StaticMount(prefix, Path.of(dir));
    }

    @Override
    public String toString() {
        return (prefix.isEmpty() ? "" : prefix + "=") + dir;
    }
}
