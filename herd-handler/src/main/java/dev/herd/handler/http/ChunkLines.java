package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;

/**
 * Follows a chunked body through the bytes Netty's decoder consumed, to check each chunk line
 * against RFC 9112 §7.1, which Netty's decoder is lenient with: it accepts a chunk extension with
 * an empty name ({@code 2;}), whitespace inside a name, and a name or value that is no token.
 *
 * <pre>
 * chunk          = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 * chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 * chunk-ext-name = token
 * chunk-ext-val  = token / quoted-string
 * </pre>
 *
 * One instance follows one body, from the byte after its head to its last chunk (size 0); the
 * trailer section that follows is Netty's to check. The decoder calls {@link #consumed} with the
 * bytes each of its decode steps took; a line is checked once its LF went by, and a step of
 * Netty's decoder never goes past the line after the one it started at, so what that step
 * produced can still be withdrawn.
 */
final class ChunkLines {
    /** Longer chunk lines are refused (Netty refuses them before, at its own limit). */
    static final int MAX_LINE = 8 * 1024;

    private enum Phase { LINE, DATA, CRLF, DONE }

    private Phase phase = Phase.LINE;
    private byte[] line = new byte[128];
    private int lineLength;
    private long remaining;

    /** Whether the last chunk's line went by: the body's framing is Netty's to finish. */
    boolean done() {
        return phase == Phase.DONE;
    }

    /**
     * Follows the bytes {@code [from, to)} of {@code buffer}, which the decoder consumed.
     *
     * @return what is wrong with a chunk line among them, or null
     */
    String consumed(ByteBuf buffer, int from, int to) {
        int at = from;
        while (at < to && phase != Phase.DONE) {
            switch (phase) {
                case LINE -> {
                    int lf = buffer.indexOf(at, to, (byte) '\n');
                    int end = lf < 0 ? to : lf;
                    int n = end - at;
                    if (lineLength + n > MAX_LINE) {
                        return "a chunk line longer than " + MAX_LINE + " bytes";
                    }
                    if (lineLength + n > line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, lineLength + n)));
                    }
                    buffer.getBytes(at, line, lineLength, n);
                    lineLength += n;
                    at = end;
                    if (lf >= 0) {
                        at++;
                        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                        lineLength = 0;
                        String problem = problem(line, length);
                        if (problem != null) {
                            return problem;
                        }
                        remaining = size(line, length);
                        phase = remaining == 0 ? Phase.DONE : Phase.DATA;
                    }
                }
                case DATA -> {
                    int take = (int) Math.min(remaining, to - at);
                    at += take;
                    remaining -= take;
                    if (remaining == 0) {
                        phase = Phase.CRLF;
                        remaining = 2;
                    }
                }
                case CRLF -> {
                    int take = (int) Math.min(remaining, to - at);
                    at += take;
                    remaining -= take;
                    if (remaining == 0) {
                        phase = Phase.LINE;
                    }
                }
                case DONE -> throw new AssertionError();
            }
        }
        return null;
    }

    /** What is wrong with a chunk line (without its CRLF), or null when RFC 9112 §7.1 allows it. */
    static String problem(byte[] line, int length) {
        int i = 0;
        while (i < length && hex(line[i])) {
            i++;
        }
        if (i == 0) {
            return "a chunk line does not start with its size in hex";
        }
        while (i < length) {
            i = whitespace(line, i, length);
            if (i == length || line[i] != ';') {
                return "a chunk size followed by something other than a chunk extension";
            }
            i = whitespace(line, i + 1, length);
            int name = i;
            while (i < length && tchar(line[i])) {
                i++;
            }
            if (i == name) {
                return "a chunk extension without a name (RFC 9112 §7.1.1: it is a token)";
            }
            int afterName = whitespace(line, i, length);
            if (afterName < length && line[afterName] == '=') {
                i = whitespace(line, afterName + 1, length);
                if (i < length && line[i] == '"') {
                    i = quotedStringEnd(line, i, length);
                    if (i < 0) {
                        return "a chunk extension's quoted value is not closed or holds a forbidden byte";
                    }
                } else {
                    int value = i;
                    while (i < length && tchar(line[i])) {
                        i++;
                    }
                    if (i == value) {
                        return "a chunk extension's value is neither a token nor a quoted string";
                    }
                }
            } else if (afterName < length && line[afterName] != ';') {
                return "a chunk extension's name is not a token";
            }
        }
        return null;
    }

    /** The chunk size of a line {@link #problem} accepted; Netty refuses sizes past {@code int}. */
    private static long size(byte[] line, int length) {
        long size = 0;
        for (int i = 0; i < length && hex(line[i]) && size <= Integer.MAX_VALUE; i++) {
            size = size * 16 + Character.digit(line[i], 16);
        }
        return size;
    }

    /** Past {@code DQUOTE *( qdtext / quoted-pair ) DQUOTE} from {@code i}, or -1 (RFC 9110 §5.6.4). */
    private static int quotedStringEnd(byte[] line, int i, int length) {
        for (i++; i < length; i++) {
            int b = line[i] & 0xff;
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
                if (i == length || !(line[i] == '\t' || (line[i] & 0xff) >= 0x20 && line[i] != 0x7f)) {
                    return -1;
                }
            } else if (!(b == '\t' || b == ' ' || b == 0x21 || b >= 0x23 && b <= 0x5b || b >= 0x5d && b <= 0x7e
                    || b >= 0x80)) {
                return -1;
            }
        }
        return -1;
    }

    private static int whitespace(byte[] line, int i, int length) {
        while (i < length && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean hex(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }

    /** RFC 9110 §5.6.2. */
    static boolean tchar(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
}
