package dev.herd.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Where the admin endpoints' secret comes from: {@code file:PATH} (the file's first line) or
 * {@code env:NAME} (an environment variable). Never the secret itself on the command line, where
 * {@code ps} would show it to every user of the machine.
 *
 * @param source {@code file:PATH} or {@code env:NAME}, as given
 */
public record AdminToken(String source) {

    /** Reads {@code file:PATH} or {@code env:NAME}; anything else is refused with the forms allowed. */
    public static AdminToken parse(String text) {
        String t = text.strip();
        if (t.startsWith("file:") && t.length() > "file:".length() || t.startsWith("env:") && t.length() > "env:".length()) {
            return new AdminToken(t);
        }
        throw new IllegalArgumentException("expected file:PATH or env:NAME (the token itself would show in ps)");
    }

    /**
     * The secret, read now.
     *
     * @throws IllegalArgumentException naming the source when it cannot be read or is empty
     */
    public String read(Map<String, String> environment) {
        String token;
        if (source.startsWith("env:")) {
            String name = source.substring("env:".length());
            token = environment.get(name);
            if (token == null) {
                throw new IllegalArgumentException("--admin-token " + source + ": the environment has no " + name);
            }
        } else {
            Path file = Path.of(source.substring("file:".length()));
            try {
                token = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            } catch (IOException e) {
                throw new IllegalArgumentException("--admin-token " + source + ": cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        token = token.strip();
        if (token.length() < 16) {
            throw new IllegalArgumentException("--admin-token " + source + ": the token is "
                    + (token.isEmpty() ? "empty" : "shorter than 16 characters") + "; use a long random one, "
                    + "e.g. head -c 32 /dev/urandom | base64");
        }
        return token;
    }

    /**
     * Whether an {@code Authorization} field value carries {@code token}: {@code Bearer TOKEN}, or
     * {@code Basic} with the token as the password (what a browser sends after its prompt). The
     * comparison takes the same time however much of it matches.
     */
    public static boolean authorizes(Optional<String> authorization, String token) {
        if (authorization.isEmpty()) {
            return false;
        }
        String value = authorization.get().strip();
        String given;
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = value.substring(7).strip();
        } else if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                given = colon < 0 ? "" : pair.substring(colon + 1);
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
        } else {
            return false;
        }
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
