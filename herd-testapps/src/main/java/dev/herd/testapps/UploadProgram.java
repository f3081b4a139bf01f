package dev.herd.testapps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A plain JDK {@link HttpServer} program with a small executor of its own, as many are written:
 * four threads run every handler, and {@code POST /upload} reads its whole body with a blocking
 * read. Without request buffering, four slow uploads would take every thread it has.
 *
 * <pre>
 * java -cp testapps.jar dev.herd.testapps.UploadProgram 8000
 * </pre>
 */
public final class UploadProgram {
    static final int THREADS = 4;

    private UploadProgram() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/", exchange -> answer(exchange, 200, "ok\n"));
        server.createContext("/upload", UploadProgram::upload);
        server.setExecutor(Executors.newFixedThreadPool(THREADS));
        server.start();
        System.out.println("listening on port " + server.getAddress().getPort());
    }

    /** Reads the whole body (a read that blocks until it has come), and answers its length. */
    private static void upload(HttpExchange exchange) throws IOException {
        long length = 0;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                length += n;
            }
        }
        answer(exchange, 200, "received " + length + " bytes\n");
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
