package dev.herd.config;

import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.nio.file.Path;

/** A listening address: TCP over IPv4 or IPv6, or a Unix-domain socket path. */
public sealed interface Address {

    /** The accepted forms, for error messages and help. */
    String FORMS = "HOST:PORT, [IPv6]:PORT or unix:/path (e.g. 127.0.0.1:8080, [::1]:8080, unix:/run/herd.sock)";

    record Inet(InetAddress host, int port) implements Address {
        @Override
        public String toString() {
            String h = host.getHostAddress();
            return (host instanceof Inet6Address ? "[" + h + "]" : h) + ":" + port;
        }
    }

    record Unix(Path path) implements Address {
        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    static Address parse(String text) {
        String s = text.strip();
        if (s.startsWith("unix:")) {
            String path = s.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("a unix: address needs a path; expected " + FORMS);
            }
            if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
                throw new IllegalArgumentException("a Unix socket path may have at most 107 bytes");
            }
            return new Unix(Path.of(path).toAbsolutePath());
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("no port in '" + text + "'; expected " + FORMS);
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address needs brackets, as in [::1]:8080; expected " + FORMS);
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + portText + "' is not a number; expected " + FORMS);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
        try {
            InetAddress address = host.isEmpty() || host.equals("*")
                    ? InetAddress.getByName("0.0.0.0")
                    : InetAddress.getByName(host);
            return new Inet(address, port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "'; expected " + FORMS);
        }
    }
}
