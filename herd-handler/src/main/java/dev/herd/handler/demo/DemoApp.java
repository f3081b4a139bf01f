package dev.herd.handler.demo;

import dev.herd.handler.api.Exchange;
import dev.herd.handler.api.HttpApp;
import dev.herd.handler.api.Request;
import dev.herd.handler.api.Response;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The built-in demo: hello world, who served me, a non-blocking sleep, a CPU burner and an echo.
 */
public final class DemoApp implements HttpApp {
    static final int MAX_SLEEP_MS = 600_000;
    static final int MAX_SPIN_MS = 60_000;

    private static final Response HELLO = Response.text(200, "Hello, World!");
    private static final Response NOT_FOUND = Response.text(404, "Not Found\n");

    @Override
    public CompletionStage<Response> handle(Request request, Exchange exchange) {
        String path = request.path();
        return switch (path) {
            case "/" -> get(request, () -> HELLO);
            case "/whoami" -> get(request, () -> whoami(exchange));
            case "/spin" -> get(request, () -> spin(request));
            case "/sleep" -> request.method().equals("GET") ? sleep(request, exchange) : done(notAllowed("GET"));
            case "/echo" -> done(request.method().equals("POST") ? echo(request) : notAllowed("POST"));
            default -> done(NOT_FOUND);
        };
    }

    private static CompletionStage<Response> get(Request request, java.util.function.Supplier<Response> answer) {
        return done(request.method().equals("GET") ? answer.get() : notAllowed("GET, HEAD"));
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private static Response notAllowed(String allow) {
        return Response.text(405, "Method Not Allowed\n").withHeader("Allow", allow);
    }

    private static Response whoami(Exchange exchange) {
        return Response.json(200, "{\"pid\":" + exchange.pid() + ",\"slot\":" + exchange.slot()
                + ",\"generation\":" + exchange.generation() + ",\"thread\":\"" + exchange.thread() + "\"}");
    }

    private static CompletionStage<Response> sleep(Request request, Exchange exchange) {
        Optional<Integer> ms = milliseconds(request, MAX_SLEEP_MS);
        if (ms.isEmpty()) {
            return done(badMilliseconds(MAX_SLEEP_MS));
        }
        return exchange.after(Duration.ofMillis(ms.get()))
                .thenApply(ignored -> Response.text(200, "slept " + ms.get() + " ms\n"));
    }

    private static Response spin(Request request) {
        Optional<Integer> ms = milliseconds(request, MAX_SPIN_MS);
        if (ms.isEmpty()) {
            return badMilliseconds(MAX_SPIN_MS);
        }
        long end = System.nanoTime() + Duration.ofMillis(ms.get()).toNanos();
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return Response.text(200, "spun " + ms.get() + " ms (" + spins + " clock reads)\n");
    }

    private static Response echo(Request request) {
        String type = request.header("Content-Type").orElse("application/octet-stream");
        return new Response(200, type, request.body(), Map.of());
    }

    private static Optional<Integer> milliseconds(Request request, int max) {
        try {
            int ms = Integer.parseInt(request.queryParameter("ms").orElse("0"));
            return ms >= 0 && ms <= max ? Optional.of(ms) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Response badMilliseconds(int max) {
        return Response.text(400, "ms must be a whole number from 0 to " + max + "\n");
    }
}
