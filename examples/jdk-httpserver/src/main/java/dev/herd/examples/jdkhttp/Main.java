package dev.herd.examples.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A plain JDK {@link HttpServer} program, written as anyone would without herd in mind: herd runs
 * it unmodified with {@code --main}, and {@code java} runs it alone as the baseline.
 *
 * <pre>
 * java -cp examples/jdk-httpserver/target/jdk-httpserver.jar dev.herd.examples.jdkhttp.Main 8000
 * ./herd serve --main dev.herd.examples.jdkhttp.Main --classpath examples/jdk-httpserver/target/jdk-httpserver.jar
 * </pre>
 */
public final class Main {
    static final int MAX_BYTES = 16 << 20;
    static final int MAX_CHUNKS = 10_000;

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    /** What /bytes repeats: printable, so that a body seen in a terminal is readable. */
    private static final byte[] PATTERN = "0123456789abcdefghijklmnopqrstuvwxyz\n".repeat(1024)
            .getBytes(StandardCharsets.US_ASCII);

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        HttpServer server = start(port);
        System.out.println("listening on port " + server.getAddress().getPort());
    }

    /** Creates and starts the server; port 0 takes any free port, which {@code getAddress()} tells. */
    public static HttpServer start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        Filter filtered = new Filtered();
        for (HttpContext context : List.of(
                server.createContext("/", Main::hello),
                server.createContext("/echo", Main::echo),
                server.createContext("/bytes", Main::bytes),
                server.createContext("/empty", Main::empty),
                server.createContext("/stream", Main::stream),
                server.createContext("/headers", Main::headers))) {
            context.getFilters().add(filtered);
        }
        // The default executor: the server's own dispatcher thread runs every handler.
        server.setExecutor(null);
        server.start();
        return server;
    }

    /** Adds {@code X-Filtered: yes} before the handler runs: proof that filters ran. */
    static final class Filtered extends Filter {
        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            exchange.getResponseHeaders().set("X-Filtered", "yes");
            chain.doFilter(exchange);
        }

        @Override
        public String description() {
            return "adds X-Filtered: yes";
        }
    }

    private static void hello(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (isExactly(exchange, "/")) {
                exchange.getResponseHeaders().set("Content-Type", TEXT);
                if (exchange.getRequestMethod().equals("HEAD")) {
                    // The JDK wants a HEAD answer's length in the headers and -1 here: it sends no body.
                    exchange.getResponseHeaders().set("Content-Length", String.valueOf(HELLO.length));
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, HELLO.length);
                exchange.getResponseBody().write(HELLO);
            }
        }
    }

    /** Streams the request body back as it arrives, chunked: neither side's length is known up front. */
    private static void echo(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (isExactly(exchange, "/echo")) {
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, 0);
                try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                    in.transferTo(out);
                }
            }
        }
    }

    /** {@code n} bytes with a fixed length, written from a shared pattern rather than one large array. */
    private static void bytes(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!isExactly(exchange, "/bytes")) {
                return;
            }
            int n = number(exchange, "n", -1, 0, MAX_BYTES);
            if (n < 0) {
                text(exchange, 400, "n must be a whole number from 0 to " + MAX_BYTES + "\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            // A length of 0 would mean chunked; no body at all is -1.
            exchange.sendResponseHeaders(200, n == 0 ? -1 : n);
            OutputStream out = exchange.getResponseBody();
            for (int left = n; left > 0; left -= PATTERN.length) {
                out.write(PATTERN, 0, Math.min(left, PATTERN.length));
            }
        }
    }

    private static void empty(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (isExactly(exchange, "/empty")) {
                exchange.sendResponseHeaders(204, -1);
            }
        }
    }

    /** {@code chunks} lines, each flushed on its own: a body whose length nobody knows in advance. */
    private static void stream(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!isExactly(exchange, "/stream")) {
                return;
            }
            int chunks = number(exchange, "chunks", 10, 0, MAX_CHUNKS);
            if (chunks < 0) {
                text(exchange, 400, "chunks must be a whole number from 0 to " + MAX_CHUNKS + "\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", TEXT);
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 1; i <= chunks; i++) {
                out.write(("chunk " + i + " of " + chunks + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
    }

    /** The request's header fields, one {@code Name: value} line each, sorted by name. */
    private static void headers(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!isExactly(exchange, "/headers")) {
                return;
            }
            StringBuilder lines = new StringBuilder();
            for (Map.Entry<String, List<String>> field : new TreeMap<>(exchange.getRequestHeaders()).entrySet()) {
                for (String value : field.getValue()) {
                    lines.append(field.getKey()).append(": ").append(value).append('\n');
                }
            }
            text(exchange, 200, lines.toString());
        }
    }

    /**
     * Whether the request is for {@code path} itself; answers 404 when it is not. A context
     * matches every path below its own, and each of these serves exactly one.
     */
    private static boolean isExactly(HttpExchange exchange, String path) throws IOException {
        if (exchange.getRequestURI().getPath().equals(path)) {
            return true;
        }
        text(exchange, 404, "Not Found\n");
        return false;
    }

    private static void text(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", TEXT);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    /** Query parameter {@code name} as a number from {@code min} to {@code max}; -1 when it is not one. */
    private static int number(HttpExchange exchange, String name, int absent, int min, int max) {
        Optional<String> value = query(exchange, name);
        if (value.isEmpty()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.get());
            return n >= min && n <= max ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
