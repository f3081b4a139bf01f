package dev.herd.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a server sent on one connection as a sequence of HTTP/1.1 responses (RFC 9112) and
 * says what is not well-formed: the status line, every field line, and the framing of every body
 * (Content-Length, or chunked with its trailers). herd always frames its bodies, so a response that
 * needs a body and has neither is wrong too. A response to HEAD carries no body whatever its
 * Content-Length says: when the requests sent contained HEAD, a response whose body would be
 * another status line is taken as one.
 */
final class WellFormedResponses {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 ([1-5][0-9][0-9]) [\\t\\x20-\\x7e\\x80-\\xff]*");
    private static final Pattern FIELD_LINE = Pattern.compile(
            "([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \\t]*([\\t\\x21-\\x7e\\x80-\\xff]([\\t\\x20-\\x7e\\x80-\\xff]*[\\t\\x21-\\x7e\\x80-\\xff])?)?[ \\t]*");
    private static final Pattern CHUNK_SIZE = Pattern.compile("([0-9a-fA-F]{1,8})(;[^\\r\\n]*)?");
    private static final byte[] NEXT_RESPONSE = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);

    /** One response as read: its status, and whether it said the connection closes. */
    record Response(int status, boolean closes) {
    }

    /** The responses read, or what was wrong and where. */
    record Reading(List<Response> responses, String problem) {
        boolean wellFormed() {
            return problem == null;
        }
    }

    private final byte[] in;
    private final boolean headSent;
    private int at;

    private WellFormedResponses(byte[] in, boolean headSent) {
        this.in = in;
        this.headSent = headSent;
    }

    /**
     * @param received every byte read from the connection until the server closed it
     * @param headSent whether the bytes sent contained a HEAD request (its response has no body)
     */
    static Reading read(byte[] received, boolean headSent) {
        return new WellFormedResponses(received, headSent).readAll();
    }

    private Reading readAll() {
        List<Response> responses = new ArrayList<>();
        try {
            while (at < in.length) {
                Response r = response();
                responses.add(r);
                if (r.closes() && at < in.length) {
                    throw new Malformed("bytes after a response that said Connection: close");
                }
            }
            return new Reading(responses, null);
        } catch (Malformed e) {
            return new Reading(responses, e.getMessage() + " at byte " + at + " of " + in.length);
        }
    }

    private Response response() {
        String statusLine = line();
        Matcher status = STATUS_LINE.matcher(statusLine);
        if (!status.matches()) {
            throw new Malformed("not an HTTP/1.1 status line: " + printable(statusLine));
        }
        int code = Integer.parseInt(status.group(1));
        List<String> contentLengths = new ArrayList<>();
        String transferEncoding = null;
        boolean closes = false;
        for (String field = line(); !field.isEmpty(); field = line()) {
            Matcher m = FIELD_LINE.matcher(field);
            if (!m.matches()) {
                throw new Malformed("not a field line: " + printable(field));
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String value = m.group(2) == null ? "" : m.group(2);
            switch (name) {
                case "content-length" -> contentLengths.add(value);
                case "transfer-encoding" -> {
                    if (transferEncoding != null) {
                        throw new Malformed("two Transfer-Encoding fields");
                    }
                    transferEncoding = value;
                }
                case "connection" -> closes |= value.toLowerCase(Locale.ROOT).contains("close");
                default -> {
                }
            }
        }
        if (code < 200) {
            if (code != 100 || !contentLengths.isEmpty() || transferEncoding != null) {
                throw new Malformed("an interim response other than a bare 100 Continue: " + code);
            }
            return new Response(code, false);
        }
        if (transferEncoding != null && !contentLengths.isEmpty()) {
            throw new Malformed("both Content-Length and Transfer-Encoding");
        }
        if (contentLengths.size() > 1) {
            throw new Malformed("two Content-Length fields");
        }
        boolean bodyless = code == 204 || code == 304;
        if (transferEncoding != null) {
            if (!transferEncoding.equalsIgnoreCase("chunked")) {
                throw new Malformed("Transfer-Encoding other than chunked: " + transferEncoding);
            }
            if (!(headSent && startsWithStatusLineOrEnds())) {
                chunks();
            }
        } else if (!contentLengths.isEmpty()) {
            String text = contentLengths.getFirst();
            if (!text.matches("[0-9]{1,18}")) {
                throw new Malformed("a Content-Length that is not a number: " + printable(text));
            }
            long length = Long.parseLong(text);
            if (bodyless && length != 0) {
                throw new Malformed(code + " with a body length");
            }
            if (length > 0 && !(headSent && startsWithStatusLineOrEnds())) {
                skip(length);
            }
        } else if (!bodyless) {
            throw new Malformed(code + " without Content-Length or chunked framing");
        }
        return new Response(code, closes);
    }

    private void chunks() {
        while (true) {
            String sizeLine = line();
            Matcher m = CHUNK_SIZE.matcher(sizeLine);
            if (!m.matches()) {
                throw new Malformed("not a chunk size line: " + printable(sizeLine));
            }
            long size = Long.parseLong(m.group(1), 16);
            if (size == 0) {
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    if (!FIELD_LINE.matcher(trailer).matches()) {
                        throw new Malformed("not a trailer field line: " + printable(trailer));
                    }
                }
                return;
            }
            skip(size);
            if (!line().isEmpty()) {
                throw new Malformed("chunk data not followed by CRLF");
            }
        }
    }

    /** Whether what follows is another status line or nothing: a response to HEAD ended here. */
    private boolean startsWithStatusLineOrEnds() {
        if (at == in.length) {
            return true;
        }
        if (in.length - at < NEXT_RESPONSE.length) {
            return false;
        }
        for (int i = 0; i < NEXT_RESPONSE.length; i++) {
            if (in[at + i] != NEXT_RESPONSE[i]) {
                return false;
            }
        }
        return true;
    }

    /** A line ended by CRLF, without it; a bare CR or LF inside is malformed. */
    private String line() {
        int start = at;
        while (true) {
            if (at >= in.length) {
                throw new Malformed("the connection closed inside a line");
            }
            byte b = in[at++];
            if (b == '\r') {
                if (at >= in.length || in[at] != '\n') {
                    throw new Malformed("a bare CR");
                }
                at++;
                return new String(in, start, at - 2 - start, StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                throw new Malformed("a bare LF");
            }
            if (b == 0) {
                throw new Malformed("a NUL in a line");
            }
        }
    }

    private void skip(long length) {
        if (in.length - at < length) {
            throw new Malformed("the connection closed " + (length - (in.length - at)) + " bytes before the body's end");
        }
        at += (int) length;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : (s.length() > 200 ? s.substring(0, 200) + "..." : s).toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out.append('"').toString();
    }

    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
