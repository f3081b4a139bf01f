package dev.herd.handler.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An HTTP response. herd adds Content-Length, Date and the Connection header itself.
 *
 * @param headers further headers, e.g. {@code Allow}
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static Response text(int status, String text) {
        return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Response json(int status, String json) {
        return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public Response withHeader(String name, String value) {
        var all = new java.util.LinkedHashMap<>(headers);
        all.put(name, value);
        return new Response(status, contentType, body, Map.copyOf(all));
    }
}
