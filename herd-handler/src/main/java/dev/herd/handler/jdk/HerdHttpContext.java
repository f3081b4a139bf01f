package dev.herd.handler.jdk;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A path of a {@link HerdHttpServer} and what serves it: the program's filters, then the
 * authenticator, then the handler, in the JDK's order.
 *
 * <p>The filter list and the attributes may change while requests are served (the JDK allows it),
 * hence the concurrent collections.
 */
final class HerdHttpContext extends HttpContext {
    private final String path;
    private final HerdHttpServer server;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final List<Filter> filters = new CopyOnWriteArrayList<>();
    private volatile HttpHandler handler;
    private volatile Authenticator authenticator;

    HerdHttpContext(String path, HttpHandler handler, HerdHttpServer server) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            throw new IllegalArgumentException("a context path must start with '/': \"" + path + "\"");
        }
        this.path = path;
        this.handler = handler;
        this.server = server;
    }

    @Override
    public HttpHandler getHandler() {
        return handler;
    }

    @Override
    public synchronized void setHandler(HttpHandler h) {
        Objects.requireNonNull(h, "null handler");
        if (handler != null) {
            throw new IllegalArgumentException("handler already set for context " + path);
        }
        handler = h;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public HttpServer getServer() {
        return server;
    }

    HerdHttpServer server() {
        return server;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return attributes;
    }

    @Override
    public List<Filter> getFilters() {
        return filters;
    }

    @Override
    public synchronized Authenticator setAuthenticator(Authenticator auth) {
        Authenticator old = authenticator;
        authenticator = auth;
        return old;
    }

    @Override
    public Authenticator getAuthenticator() {
        return authenticator;
    }

    /** Runs the filters, then authentication, then the handler, on the exchange's thread. */
    void handle(HerdHttpExchange exchange) throws IOException {
        HttpHandler target = handler;
        new Filter.Chain(filters, last -> authenticateThen(exchange, last, target)).doFilter(exchange);
    }

    /**
     * The JDK's authentication step, after the program's filters: Success records the principal
     * and goes on; Retry and Failure answer their status with no body and the headers the
     * authenticator set (BasicAuthenticator's WWW-Authenticate). The body the client sent with a
     * refused request is left to the pipeline to discard.
     *
     * @param exchange the exchange as herd made it, where the principal is kept
     * @param last     the exchange as the last filter passed it on (maybe a wrapper)
     */
    private void authenticateThen(HerdHttpExchange exchange, HttpExchange last, HttpHandler target)
            throws IOException {
        Authenticator auth = authenticator;
        if (auth == null) {
            target.handle(last);
            return;
        }
        Authenticator.Result result = auth.authenticate(last);
        switch (result) {
            case Authenticator.Success success -> {
                exchange.principal(success.getPrincipal());
                target.handle(last);
            }
            case Authenticator.Retry retry -> last.sendResponseHeaders(retry.getResponseCode(), -1);
            case Authenticator.Failure failure -> last.sendResponseHeaders(failure.getResponseCode(), -1);
            case null, default -> throw new IllegalStateException("authenticator " + auth.getClass().getName()
                    + " of context " + path + " returned " + result + ", neither Success, Retry nor Failure");
        }
    }
}
