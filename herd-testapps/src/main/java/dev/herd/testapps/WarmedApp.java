package dev.herd.testapps;

import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;
import dev.herd.api.WarmupRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks to be warmed up with two requests, and says how many of them it had received (with their
 * bodies intact) when a client asks {@code /warmed}.
 */
public final class WarmedApp implements HttpApp {
    private final AtomicInteger warmups = new AtomicInteger();
    private final AtomicInteger intactBodies = new AtomicInteger();

    @Override
    public List<WarmupRequest> warmup() {
        return List.of(WarmupRequest.get("/warm?step=1"), WarmupRequest.post("/warm", "text/plain", "grüß dich"));
    }

    @Override
    public Response handle(Request request) throws Exception {
        return switch (request.path()) {
            case "/warm" -> {
                warmups.incrementAndGet();
                if (new String(request.body(), StandardCharsets.UTF_8).equals("grüß dich")) {
                    intactBodies.incrementAndGet();
                }
                yield Response.text("warm");
            }
            case "/warmed" -> Response.text(warmups.get() + " warm-up requests, " + intactBodies.get() + " bodies intact");
            default -> Response.text(404, "Not Found\n");
        };
    }
}
