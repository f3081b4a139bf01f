package dev.herd.testkit;

import java.io.ByteArrayOutputStream;
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

/**
 * A deliberately plain HTTP/1.1 client: one request per new connection ({@code Connection: close}),
 * read to the end. Tests use it where they need to know that every request opened its own
 * connection, which pooling clients hide.
 */
public final class HttpProbe {
    private HttpProbe() {
    }

    public record Reply(int status, String headers, String body) {
    }

    public static Reply get(SocketAddress address, String target, Duration timeout) throws IOException {
        return exchange(address, "GET " + target + " HTTP/1.1\r\nHost: herd\r\nConnection: close\r\n\r\n", timeout);
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
