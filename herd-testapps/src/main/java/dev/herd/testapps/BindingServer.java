package dev.herd.testapps;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A server that binds its own port, as most do: the JDK's HttpServer on the port of its first
 * argument, else of the environment's {@code PORT}, else 7000. herd knows nothing of it: run with
 * {@code --jar} and {@code --jar-server other}, its bind is answered with herd's socket.
 */
public final class BindingServer {
    private BindingServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : System.getenv().getOrDefault("PORT", "7000"));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/whoami", exchange -> {
            byte[] body = ("{\"pid\":" + ProcessHandle.current().pid() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("binding server: listening on " + server.getAddress());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(1);
            System.out.println("binding server: stopped");
        }));
    }
}
