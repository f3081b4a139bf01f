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
import java.util.Optional;

/** Talks to a running spawner's admin endpoint for {@code herd status}, {@code scale}, {@code reload} and {@code stop}. */
final class AdminClient {
    private final String address;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** @param token the server's admin token, sent as {@code Authorization: Bearer}, if it has one */
    AdminClient(String address, Optional<String> token) {
        this.address = address;
        this.token = token;
    }

    JsonNode status() throws IOException {
        return new ObjectMapper().readTree(send(HttpRequest.newBuilder(uri("/status.json")).GET()));
    }

    String post(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** A POST whose answer is read whatever its status, waiting up to {@code timeout}. */
    Reply postForReply(String path, Duration timeout) throws IOException {
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.noBody()), timeout);
        return new Reply(response.statusCode(), response.body());
    }

    record Reply(int status, String body) {
    }

    private URI uri(String path) {
        return URI.create("http://" + address + path);
    }

    private String send(HttpRequest.Builder request) throws IOException {
        HttpResponse<String> response = exchange(request, Duration.ofSeconds(10));
        if (response.statusCode() >= 400) {
            throw new IOException("admin endpoint answered " + response.statusCode() + ": " + response.body().strip());
        }
        return response.body();
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request, Duration timeout) throws IOException {
        try {
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("nothing answers at " + address + ": is herd running, with its admin endpoint "
                    + "there? (--admin ADDR)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
