package dev.herd.testapps;

import dev.herd.api.Dispatch;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

/** Runs on the event loop (declared), and fails on /boom. */
public final class LoopApp implements HttpApp {
    private static final Response HELLO = Response.text("Hello from the loop");

    @Override
    public Response handle(Request request) {
        return switch (request.path()) {
            case "/" -> HELLO.withHeader("X-Thread", Thread.currentThread().getName());
            case "/boom" -> throw new IllegalStateException("boom on the loop");
            case "/echo" -> Response.bytes(200, "application/octet-stream", request.body());
            default -> Response.text(404, "Not Found\n");
        };
    }

    @Override
    public Dispatch dispatch() {
        return Dispatch.EVENT_LOOP;
    }
}
