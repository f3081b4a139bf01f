package dev.herd.handler.warmup;

import dev.herd.api.Dispatch;
import dev.herd.api.HttpApp;
import dev.herd.api.Request;
import dev.herd.api.Response;
import dev.herd.handler.app.ApiHttpService;
import dev.herd.handler.app.BootFailure;
import dev.herd.handler.http.HttpPipeline;

import java.util.List;

/**
 * herd's own application for warming up: it reads what an application reads (query, fields,
 * body) and answers what one answers, so that herd's path is exercised and nobody's data is
 * touched. The warm-up never sends its made-up requests to the user's application.
 */
final class WarmApp implements HttpApp {
    private static final Response OK = Response.text("warm");

    /** herd's own requests on one kept connection: a query, HEAD, a body by length and a chunked one. */
    static final List<String> KEPT = List.of(
            "GET /warm?a=1&b=%20 HTTP/1.1\r\nHost: herd\r\nAccept: */*\r\n\r\n",
            "HEAD /warm HTTP/1.1\r\nHost: herd\r\n\r\n",
            "POST /warm HTTP/1.1\r\nHost: herd\r\nContent-Length: 4\r\n\r\nwarm",
            "POST /warm HTTP/1.1\r\nHost: herd\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwarm\r\n0\r\n\r\n");

    /** herd's own request on a connection of its own, which the server closes after answering. */
    static final String CLOSING = "GET /warm HTTP/1.1\r\nHost: herd\r\nConnection: close\r\n\r\n";

    /** {@code production}'s pipeline, limits and keep-alive included, serving this application instead. */
    static HttpPipeline pipelineLike(HttpPipeline production) {
        try {
            return new HttpPipeline(ApiHttpService.of(new WarmApp(), WarmApp.class.getClassLoader()),
                    production.maxInitialLine(), production.maxHeaderSize(), production.maxHeaders(), production.maxBody(),
                    production.keepAlive(), HttpPipeline.Deadlines.DEFAULT, production.buffering());
        } catch (BootFailure e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Response handle(Request request) {
        request.query("a");
        request.headers().forEach(field -> { });
        request.header("Host");
        int length = request.body().length;
        return OK.withHeader("X-Warm", request.path()).withHeader("X-Warm-Body", String.valueOf(length));
    }

    @Override
    public Dispatch dispatch() {
        return Dispatch.EVENT_LOOP;
    }
}
