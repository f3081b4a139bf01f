package dev.herd.handler.jdk.programs;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/** Creates a server and forgets to start it. */
public final class UnstartedProgram {
    private UnstartedProgram() {
    }

    public static void main(String[] args) throws IOException {
        HttpServer.create(new InetSocketAddress(8000), 0).createContext("/", exchange -> exchange.close());
    }
}
