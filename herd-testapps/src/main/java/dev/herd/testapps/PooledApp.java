package dev.herd.testapps;

import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Blocking code holding a bounded resource, as an application with a JDBC pool of four
 * connections does: every request takes a connection for as long as it is served, {@code POST
 * /upload} reading its body meanwhile. A request that waits more than two seconds for a connection
 * is answered 503. Without request buffering, four slow uploads would hold the whole pool.
 */
public final class PooledApp implements HttpApp {
    static final int CONNECTIONS = 4;
    private final Semaphore pool = new Semaphore(CONNECTIONS);

    @Override
    public Response handle(Request request) throws Exception {
        if (!pool.tryAcquire(2, TimeUnit.SECONDS)) {
            return Response.text(503, "no database connection free\n");
        }
        try {
            return switch (request.path()) {
                case "/upload" -> Response.text("received " + request.body().length + " bytes\n");
                case "/stream" -> Response.text("streamed " + request.bodyStream().readAllBytes().length + " bytes\n");
                default -> Response.text("ok\n");
            };
        } finally {
            pool.release();
        }
    }

    /** {@code /stream} reads its body as it arrives, on purpose: it keeps a connection meanwhile. */
    @Override
    public boolean streamsBody(Request request) {
        return request.path().equals("/stream");
    }
}
