package dev.herd.examples.hello;

import dev.herd.api.Request;
import dev.herd.api.Response;

/** The answers both hello applications give: constants, so that a request allocates no response. */
final class Hello {
    /** The same bytes as the demo application's {@code GET /}, so that benchmarks compare like with like. */
    static final Response HELLO = Response.text("Hello, World!");
    static final Response NOT_FOUND = Response.text(404, "Not Found\n");
    static final Response NOT_ALLOWED = Response.text(405, "Method Not Allowed\n").withHeader("Allow", "GET, HEAD");

    private Hello() {
    }

    static Response answer(Request request) {
        if (!request.path().equals("/")) {
            return NOT_FOUND;
        }
        // herd sends no body for HEAD, so HEAD gets the GET answer (RFC 9110 §9.3.2).
        return switch (request.method()) {
            case "GET", "HEAD" -> HELLO;
            default -> NOT_ALLOWED;
        };
    }
}
