package dev.herd.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A deliberately plain HTTP/1.1 client: one request per new connection ({@code Connection: close}),
 * read to the end. Tests use it where they need to know that every request opened its own
 * connection, which pooling clients hide. {@link #read} reads one response off a connection that
 * stays open, for clients that keep theirs.
 */
public final class HttpProbe {
    private static final int BLANK_LINE = '\r' << 24 | '\n' << 16 | '\r' << 8 | '\n';

    private HttpProbe() {
    }

    /** @param headers the status line and header fields, without the blank line that ends them */
    public record Reply(int status, String headers, String body) {

        /** The value of the first field named {@code name} (any case), trimmed. */
        public Optional<String> header(String name) {
            return headers.lines()
                    .skip(1)
                    .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(line -> line.substring(name.length() + 1).strip())
                    .findFirst();
        }

        /** Whether the server ends the connection after this response ({@code Connection: close}). */
        public boolean closes() {
            return header("Connection").filter("close"::equalsIgnoreCase).isPresent();
        }
    }

    public static Reply get(SocketAddress address, String target, Duration timeout) throws IOException {
        return exchangeOne(address, "GET " + target + " HTTP/1.1\r\nHost: herd\r\nConnection: close\r\n\r\n", timeout);
    }

    /**
     * Sends {@code request} and reads one response, to the end of its {@code Content-Length} (or of
     * the stream without one), as an HTTP client does: a server may leave the connection open after
     * answering a request that asked to close it (Helidon 4 does). {@link #exchange} reads to the end.
     */
    public static Reply exchangeOne(SocketAddress address, String request, Duration timeout) throws IOException {
        if (address instanceof UnixDomainSocketAddress) {
            return exchange(address, request, timeout);
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(new java.io.BufferedInputStream(socket.getInputStream()))
                    .orElseThrow(() -> new java.io.EOFException("the server closed the connection without an answer"));
        }
    }

    public static Reply exchange(SocketAddress address, String request, Duration timeout) throws IOException {
        byte[] raw;
        if (address instanceof UnixDomainSocketAddress unix) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(unix);
                channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
                raw = readAll(Channels.newInputStream(channel));
            }
        } else {
            try (Socket socket = new Socket()) {
                socket.connect(address, (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                raw = readAll(socket.getInputStream());
            }
        }
        return parse(new String(raw, StandardCharsets.ISO_8859_1));
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /**
     * Reads one response from a connection that may stay open: the head, then a body of its
     * {@code Content-Length} (or up to the end of the stream without one). Empty when the stream
     * ends before the first byte of a response: the server had closed the connection. Reads a byte
     * at a time: give it a buffered stream.
     *
     * @throws EOFException if the stream ends inside the response
     */
    public static Optional<Reply> read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        // The last four bytes read, to find the blank line (CR LF CR LF) that ends the head.
        for (int last = 0; last != BLANK_LINE; ) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return Optional.empty();
                }
                throw new EOFException("connection closed inside a response head: '" + text(head) + "'");
            }
            head.write(b);
            last = last << 8 | b;
        }
        Reply reply = parse(text(head));
        long length = reply.header("Content-Length").map(Long::parseLong).orElse(-1L);
        byte[] body = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
        if (body.length < length) {
            throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        return Optional.of(new Reply(reply.status(), reply.headers(), new String(body, StandardCharsets.ISO_8859_1)));
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static Reply parse(String text) throws IOException {
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) {
            throw new IOException("not an HTTP response: '" + text + "'");
        }
        String head = text.substring(0, end);
        int status = Integer.parseInt(head.substring(9, 12));
        return new Reply(status, head, text.substring(end + 4));
    }

    public static InetSocketAddress inet(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
