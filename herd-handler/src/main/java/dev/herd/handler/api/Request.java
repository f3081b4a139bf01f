package dev.herd.handler.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/**
 * An HTTP request with its whole body.
 *
 * @param method  upper case, e.g. {@code GET}; a {@code HEAD} request is passed on as {@code GET}
 *                and herd drops the body of the response
 * @param target  the request target as sent: path and query
 * @param headers header lookup by case-insensitive name
 * @param body    the body, empty when there is none
 */
public record Request(String method, String target, Function<String, String> headers, byte[] body) {

    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.apply(name));
    }

    /** The first value of a query parameter, decoded. */
    public Optional<String> queryParameter(String name) {
        int q = target.indexOf('?');
        if (q < 0) {
            return Optional.empty();
        }
        for (String pair : target.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(key).equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }
}
