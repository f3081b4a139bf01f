package dev.herd.handler.jdk.programs;

import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/** Asks for TLS, which herd leaves to what stands in front of it. */
public final class HttpsProgram {
    private HttpsProgram() {
    }

    public static void main(String[] args) throws IOException {
        HttpsServer.create(new InetSocketAddress(8443), 0).start();
    }
}
