package dev.herd.handler.jdk.programs;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A JDK HttpServer program as people write them; it tells what it saw of its start. */
public final class HelloProgram {
    private HelloProgram() {
    }

    public static void main(String[] args) throws IOException {
        String thread = Thread.currentThread().getName();
        boolean ownLoader = Thread.currentThread().getContextClassLoader() == HelloProgram.class.getClassLoader();
        HttpServer server = HttpServer.create(new InetSocketAddress(8000), 0);
        server.createContext("/", exchange -> {
            String text = "hello " + String.join(" ", args) + "; main ran on " + thread
                    + "; context loader is the program's: " + ownLoader + "; address " + server.getAddress();
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }
}
