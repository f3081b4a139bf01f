package dev.herd.testapps;

import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers {@code GET /version} with the {@code version.txt} packed beside it and the handler's
 * generation: tests swap its jar for one with another version and reload.
 */
public final class VersionApp implements HttpApp {
    private String version;
    private int generation;

    @Override
    public void start(HandlerContext context) {
        generation = context.generation();
        try (InputStream in = VersionApp.class.getResourceAsStream("/version.txt")) {
            version = in == null ? "none" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Response handle(Request request) {
        return request.path().equals("/version")
                ? Response.text("version " + version + ", generation " + generation + "\n")
                : Response.text(404, "Not Found\n");
    }
}
