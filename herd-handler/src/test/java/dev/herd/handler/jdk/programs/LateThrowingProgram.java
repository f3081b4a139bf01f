package dev.herd.handler.jdk.programs;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/** Starts its server, then fails: on the JDK the server keeps serving. */
public final class LateThrowingProgram {
    private LateThrowingProgram() {
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(8000), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
        });
        server.start();
        throw new IllegalStateException("after the start");
    }
}
