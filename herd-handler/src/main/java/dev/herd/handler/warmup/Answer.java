package dev.herd.handler.warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

/**
 * A response as the warm-up's client reads it: the status, and whether the server closes the
 * connection after it. The body is read to its end (by {@code Content-Length}, chunked, or to the
 * close) and dropped.
 */
record Answer(int status, boolean closes) {
    /** Longest line read: herd's own answers and the application's heads stay far below. */
    private static final int MAX_LINE = 16 * 1024;

    /** Reads the next response from {@code in}; {@code head} when the request was HEAD (no body follows). */
    static Answer read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closes = statusLine.startsWith("HTTP/1.0");
        for (String field; !(field = line(in)).isEmpty(); ) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header field: " + field);
            }
            String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = field.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.endsWith("chunked");
                case "connection" -> closes = value.contains("close") || (closes && !value.contains("keep-alive"));
                default -> { }
            }
        }
        if (head || status / 100 == 1 || status == 204 || status == 304) {
            return new Answer(status, closes);
        }
        if (chunked) {
            for (long size; (size = Long.parseLong(line(in).split(";", 2)[0].strip(), 16)) > 0; ) {
                in.skipNBytes(size);
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailer fields
            }
        } else if (length >= 0) {
            in.skipNBytes(length);
        } else {
            in.transferTo(OutputStream.nullOutputStream());
            closes = true;
        }
        return new Answer(status, closes);
    }

    /** One line without its CRLF; the stream ending first is an error. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the connection ended inside a response");
            }
            if (line.length() == MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
        int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
        return line.substring(0, end);
    }
}
