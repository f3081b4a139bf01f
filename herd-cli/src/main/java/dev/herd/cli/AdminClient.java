package dev.herd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to a running spawner's admin endpoint for {@code herd status} and {@code herd stop}. */
final class AdminClient {
    private final String address;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    AdminClient(String address) {
        this.address = address;
    }

    JsonNode status() throws IOException {
        return new ObjectMapper().readTree(send(HttpRequest.newBuilder(uri("/status.json")).GET()));
    }

    String post(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private URI uri(String path) {
        return URI.create("http://" + address + path);
    }

    private String send(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw new IOException("admin endpoint answered " + response.statusCode() + ": " + response.body().strip());
            }
            return response.body();
        } catch (ConnectException e) {
            throw new IOException("nothing answers at " + address + ": is herd running, with its admin endpoint "
                    + "there? (--admin ADDR)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
