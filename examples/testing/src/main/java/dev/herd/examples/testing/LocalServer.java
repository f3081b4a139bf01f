package dev.herd.examples.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;

/**
 * A JDK HttpServer program started in this JVM on a free port, and an HTTP/1.1 client of it over
 * 127.0.0.1: for testing the unmodified programs on the JDK's own server, before herd runs them.
 * Closing it stops both.
 */
public final class LocalServer implements AutoCloseable {

    /** How a program creates and starts its server on a given port. */
    @FunctionalInterface
    public interface Starter {
        HttpServer start(int port) throws IOException;
    }

    private final HttpServer server;
    // HTTP/1.1 only: the JDK's HttpServer speaks nothing else, and no h2c upgrade attempt muddles a test.
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LocalServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a program's server on port 0, the kernel's choice of a free one. */
    public static LocalServer start(Starter starter) {
        try {
            return new LocalServer(starter.start(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request to {@code target} (path and query). */
    public HttpRequest.Builder request(String target) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + target));
    }

    public HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<String> sendForText(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String target) throws IOException, InterruptedException {
        return sendForText(request(target));
    }

    /** POSTs {@code body} with its Content-Length. */
    public HttpResponse<byte[]> post(String target, byte[] body) throws IOException, InterruptedException {
        return send(request(target).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** POSTs {@code body} from a stream of unknown length: the client sends it chunked. */
    public HttpResponse<byte[]> postChunked(String target, byte[] body) throws IOException, InterruptedException {
        return send(request(target).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    /** {@code size} random bytes, the same for the same size. */
    public static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        client.close();
        server.stop(0);
    }
}
