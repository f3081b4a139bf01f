package dev.herd.config;

import java.util.Arrays;
import java.util.List;

/**
 * An address herd listens on ({@code --bind}, which may be given more than once) and what it
 * speaks there: {@code https://ADDR} is TLS, {@code http://ADDR} cleartext, and a bare address
 * TLS when certificates are given ({@code --tls-cert}), else cleartext.
 *
 * @param address where
 * @param scheme  as written: {@link Scheme#HTTPS}, {@link Scheme#HTTP}, or {@link Scheme#ANY} for a bare address
 */
public record Bind(Address address, Scheme scheme) {

    /** The accepted forms, for error messages and help. */
    public static final String FORMS = "[http://|https://]" + Address.FORMS;

    /** How the address was written. */
    public enum Scheme {
        /** A bare address: TLS if there are certificates. */
        ANY,
        /** {@code http://}: cleartext, certificates or not. */
        HTTP,
        /** {@code https://}: TLS, which needs certificates. */
        HTTPS
    }

    public static Bind parse(String text) {
        String s = text.strip();
        for (Scheme scheme : List.of(Scheme.HTTP, Scheme.HTTPS)) {
            String prefix = scheme.name().toLowerCase(java.util.Locale.ROOT) + "://";
            if (s.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return new Bind(Address.parse(s.substring(prefix.length())), scheme);
            }
        }
        if (s.contains("://")) {
            throw new IllegalArgumentException("'" + text + "': herd listens with http:// or https://; expected " + FORMS);
        }
        return new Bind(Address.parse(s), Scheme.ANY);
    }

    /** Every address of a {@code --bind} value: one or more, separated by blanks. */
    public static List<Bind> parseAll(String text) {
        List<Bind> binds = Arrays.stream(text.strip().split("\\s+")).filter(w -> !w.isEmpty()).map(Bind::parse).toList();
        if (binds.isEmpty()) {
            throw new IllegalArgumentException("no address; expected " + FORMS);
        }
        return binds;
    }

    /** Whether herd speaks TLS here, given whether there are certificates. */
    public boolean tls(boolean certificates) {
        return scheme == Scheme.HTTPS || scheme == Scheme.ANY && certificates;
    }

    @Override
    public String toString() {
        return switch (scheme) {
            case ANY -> address.toString();
            case HTTP -> "http://" + address;
            case HTTPS -> "https://" + address;
        };
    }
}
