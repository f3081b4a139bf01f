package dev.herd.api;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A request an application asks herd to send it while a new handler warms up, before the handler
 * accepts its first connection ({@link HttpApp#warmup()}, {@link AsyncHttpApp#warmup()}).
 *
 * <p>herd warms its own path (accept, parsing, encoding, the network) with requests to an
 * application of its own and never invents requests for yours: a made-up POST could write to a
 * database. An application that wants its own code compiled before real clients arrive lists the
 * requests that are safe to repeat. herd sends them over a private loopback connection, through the
 * same event loops and pipeline as client requests, in every warm-up round of every new handler
 * ({@code --warmup}): after a start, a respawn, a recycle, a scale-up and a reload. The answers are
 * read and dropped; one that is not 2xx or 3xx is logged once.
 *
 * <pre>{@code
 * public List<WarmupRequest> warmup() {
 *     return List.of(WarmupRequest.get("/items?page=1"),
 *             WarmupRequest.post("/preview", "application/json", "{\"text\":\"warm\"}"));
 * }
 * }</pre>
 *
 * @param method  the request method, a token (RFC 9110 §9)
 * @param target  the origin-form target: an absolute path with an optional query
 * @param headers fields to send; herd adds {@code Host} and {@code Content-Length}, and owns the
 *                framing: none of those two, {@code Transfer-Encoding} or {@code Connection} here
 * @param body    the request body; empty for none
 */
public record WarmupRequest(String method, String target, Headers headers, byte[] body) {
    private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection");

    public WarmupRequest {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        if (method == null || method.isEmpty() || !method.chars().allMatch(WarmupRequest::tokenChar)) {
            throw new IllegalArgumentException("not a request method (a token): " + method);
        }
        if (target == null || !target.startsWith("/") || !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("not an origin-form target (/path?query, visible ASCII): " + target);
        }
        for (String name : headers.names()) {
            if (FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("herd sets " + name + " on warm-up requests itself");
            }
        }
        body = body.clone();
    }

    /** {@code GET target}, no body. */
    public static WarmupRequest get(String target) {
        return new WarmupRequest("GET", target, Headers.empty(), new byte[0]);
    }

    /** {@code POST target} with a body of {@code contentType}. */
    public static WarmupRequest post(String target, String contentType, byte[] body) {
        return new WarmupRequest("POST", target, Headers.of("Content-Type", contentType), body);
    }

    /** {@code POST target} with a UTF-8 text body of {@code contentType}. */
    public static WarmupRequest post(String target, String contentType, String body) {
        return post(target, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    private static boolean tokenChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
