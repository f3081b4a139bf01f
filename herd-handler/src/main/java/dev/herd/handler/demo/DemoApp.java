package dev.herd.handler.demo;

import dev.herd.api.AsyncHttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;
import dev.herd.api.WarmupRequest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The built-in demo ({@code --app demo}): hello world, who served me, a non-blocking sleep, a CPU
 * burner and an echo. It runs on the event loop through the public API, as any application may.
 *
 * <p>The answers of {@code /sleep} and {@code /spin}, the endpoints load is made of, name the
 * handler that served them ({@code X-Herd-Slot}, {@code X-Herd-Generation}), so that a load
 * generator can tell how the load spread without asking {@code /whoami} in between.
 */
public final class DemoApp implements AsyncHttpApp {
    static final int MAX_SLEEP_MS = 600_000;
    static final int MAX_SPIN_MS = 60_000;

    private static final Response HELLO = Response.text("Hello, World!");
    private static final Response NOT_FOUND = Response.text(404, "Not Found\n");

    /** What load tests ask of the demo, so that a new handler has compiled it before they come. */
    @Override
    public List<WarmupRequest> warmup() {
        return List.of(WarmupRequest.get("/"), WarmupRequest.get("/whoami"),
                WarmupRequest.post("/echo", "text/plain", "warm"));
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
        return switch (request.rawPath()) {
            case "/" -> get(request, () -> HELLO);
            case "/whoami" -> get(request, () -> whoami(request));
            case "/spin" -> get(request, () -> spin(request));
            case "/sleep" -> isGet(request) ? sleep(request) : done(notAllowed("GET, HEAD"));
            case "/echo" -> done(request.method().equals("POST") ? echo(request) : notAllowed("POST"));
            default -> done(NOT_FOUND);
        };
    }

    private static boolean isGet(Request request) {
        return request.method().equals("GET") || request.method().equals("HEAD");
    }

    private static CompletionStage<Response> get(Request request, Supplier<Response> answer) {
        return done(isGet(request) ? answer.get() : notAllowed("GET, HEAD"));
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private static Response notAllowed(String allow) {
        return Response.text(405, "Method Not Allowed\n").withHeader("Allow", allow);
    }

    private static Response whoami(Request request) {
        var handler = request.handler();
        return Response.json("{\"pid\":" + handler.pid() + ",\"slot\":" + handler.slot()
                + ",\"generation\":" + handler.generation() + ",\"thread\":\"" + Thread.currentThread().getName() + "\"}");
    }

    /** Completes on the request's own event loop after N ms: the loop serves others meanwhile. */
    private static CompletionStage<Response> sleep(Request request) {
        Optional<Integer> ms = milliseconds(request, MAX_SLEEP_MS);
        if (ms.isEmpty()) {
            return done(badMilliseconds(MAX_SLEEP_MS));
        }
        return request.after(Duration.ofMillis(ms.get()))
                .thenApply(done -> servedBy(request, Response.text("slept " + ms.get() + " ms\n")));
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
        return servedBy(request, Response.text("spun " + ms.get() + " ms (" + spins + " clock reads)\n"));
    }

    private static Response servedBy(Request request, Response response) {
        return response.withHeader("X-Herd-Slot", String.valueOf(request.handler().slot()))
                .withHeader("X-Herd-Generation", String.valueOf(request.handler().generation()));
    }

    private static Response echo(Request request) {
        String type = request.header("Content-Type").orElse("application/octet-stream");
        return Response.bytes(200, type, request.body());
    }

    private static Optional<Integer> milliseconds(Request request, int max) {
        try {
            int ms = Integer.parseInt(request.query("ms").orElse("0"));
            return ms >= 0 && ms <= max ? Optional.of(ms) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Response badMilliseconds(int max) {
        return Response.text(400, "ms must be a whole number from 0 to " + max + "\n");
    }
}
