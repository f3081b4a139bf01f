package dev.herd.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reading request targets (RFC 3986) and media types, for {@link Request}'s default methods. */
final class Targets {
    private Targets() {
    }

    static String rawPath(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    static Optional<String> rawQuery(String target) {
        int q = target.indexOf('?');
        return q < 0 ? Optional.empty() : Optional.of(target.substring(q + 1));
    }

    static Map<String, List<String>> parameters(String query) {
        if (query.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        params.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(params);
    }

    /**
     * Percent-decodes as UTF-8; a {@code %} not followed by two hex digits stays as it is (the
     * text is taken as sent rather than refused). In a query, {@code +} is a space.
     */
    static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char l = Character.toLowerCase(c);
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    /** The {@code charset} parameter of a media type (RFC 9110 §8.3.1), if known to this JVM. */
    static Optional<Charset> charset(String mediaType) {
        for (String param : mediaType.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("charset")) {
                String name = param.substring(eq + 1).strip();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Optional.of(Charset.forName(name));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
