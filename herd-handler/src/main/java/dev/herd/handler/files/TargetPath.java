package dev.herd.handler.files;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The path of a request target as names of a directory tree: percent-decoded exactly once, as
 * UTF-8, then split on {@code /}. Anything that could name a file outside the tree, or that no
 * file of the tree can be called, is refused here, before the file system is asked anything.
 *
 * <p>Decoding before splitting is what makes {@code ..%2f} and {@code %2e%2e%2f} plain {@code ..}
 * segments (refused), and decoding once is what keeps {@code %252e%252e%252f} the harmless name
 * {@code %2e%2e%2f}: nothing downstream decodes again.
 */
sealed interface TargetPath {
    /** Upper case, as RFC 3986 §2.1 recommends for percent-encodings. */
    String HEX = "0123456789ABCDEF";

    /**
     * A path that can name a file of the tree.
     *
     * @param names         the decoded segments, without empty and {@code .} segments (as nginx
     *                      merges slashes)
     * @param trailingSlash whether the decoded path ends with {@code /}: a directory is asked for
     * @param query         the raw query after {@code ?}, or {@code null} when there is none
     */
    record Names(List<String> names, boolean trailingSlash, String query) implements TargetPath {
        public Names {
            names = List.copyOf(names);
        }

        boolean startsWith(List<String> prefix) {
            return names.size() >= prefix.size() && names.subList(0, prefix.size()).equals(prefix);
        }

        /** The same path without its first {@code count} names. */
        Names drop(int count) {
            return new Names(names.subList(count, names.size()), trailingSlash, query);
        }
    }

    /**
     * A path refused before any file-system access.
     *
     * @param status  400 for what is not a path (bad percent-encoding, not UTF-8, a NUL), 404 for
     *                a path no file of the tree can have ({@code ..}, a backslash)
     * @param rawPath the path as received, still encoded: a mount decides on it who answers
     */
    record Refused(HttpResponseStatus status, String rawPath) implements TargetPath {
    }

    /** Reads the request target of a request line: origin-form, or absolute-form (RFC 9112 §3.2). */
    static TargetPath parse(String uri) {
        // A fragment is never sent (RFC 9112 §3.2); if one is, it is no part of the target.
        int hash = uri.indexOf('#');
        String target = hash < 0 ? uri : uri.substring(0, hash);
        int q = target.indexOf('?');
        String raw = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        if (!raw.startsWith("/")) {
            // Absolute-form must be accepted (RFC 9112 §3.2.2); its path is what follows the
            // authority. Anything else ("*", "../x", "host:port") names no file.
            int scheme = raw.indexOf("://");
            if (scheme <= 0 || !raw.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
                return new Refused(HttpResponseStatus.BAD_REQUEST, raw);
            }
            int slash = raw.indexOf('/', scheme + 3);
            raw = slash < 0 ? "/" : raw.substring(slash);
        }
        String decoded = decode(raw);
        if (decoded == null || decoded.indexOf('\0') >= 0) {
            return new Refused(HttpResponseStatus.BAD_REQUEST, raw);
        }
        // A backslash is a separator to some file systems and to Windows-minded clients; on
        // Linux it would be a legal but surprising name. nginx answers such paths 404 as well.
        if (decoded.indexOf('\\') >= 0) {
            return new Refused(HttpResponseStatus.NOT_FOUND, raw);
        }
        List<String> names = new ArrayList<>();
        for (String segment : decoded.split("/")) {
            switch (segment) {
                case "", "." -> {
                }
                case ".." -> {
                    return new Refused(HttpResponseStatus.NOT_FOUND, raw);
                }
                default -> names.add(segment);
            }
        }
        return new Names(names, decoded.endsWith("/"), query);
    }

    /**
     * Percent-decodes once as UTF-8 (RFC 3986 §2.1); {@code null} if malformed or not UTF-8.
     *
     * <p>Netty reads the request line one byte per char (ISO-8859-1), so raw non-ASCII bytes,
     * which some clients send unencoded, are turned back into bytes before UTF-8 decoding.
     */
    private static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.chars().allMatch(c -> c < 0x80)) {
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c > 0xff) {
                return null;
            }
            if (c != '%') {
                bytes.put((byte) c);
                continue;
            }
            int high = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
            int low = high >= 0 ? hex(raw.charAt(i + 2)) : -1;
            if (low < 0) {
                return null;
            }
            bytes.put((byte) (high * 16 + low));
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.flip())
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** An ASCII hex digit's value; -1 for anything else (Character.digit takes fullwidth digits too). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
            return (c | 0x20) - 'a' + 10;
        }
        return -1;
    }

    /**
     * One name as a path segment of a URL: every byte of its UTF-8 form outside RFC 3986's
     * unreserved set is percent-encoded, so that a name such as {@code a:b} or {@code x?y} stays
     * one relative segment in a link or a {@code Location}.
     */
    static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xf));
            }
        }
        return out.toString();
    }
}
