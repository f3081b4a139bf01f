package dev.herd.handler.jdk;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.herd.handler.http.HttpCall;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One request of a JDK program, over an {@link HttpCall} in streaming body mode.
 *
 * <p>Attributes: the JDK keeps an exchange's attributes in its context's map, shared by every
 * exchange of the context. That is harmless on the JDK's default executor, which runs one exchange
 * at a time, but herd runs exchanges concurrently by default, where a filter's per-request value
 * (the user, say) would leak into other requests. So here an exchange has attributes of its own, and
 * a name it does not have is looked up in the context's attributes, which keeps programs that read
 * context-wide values through the exchange working.
 *
 * <p>An exchange that its handler never closes stays open as long as anything can reach it: a
 * program may answer later from another thread (long polling, server-sent events), as the JDK
 * allows. Once nothing can, a {@link Cleaner} ends it ({@link Reply#abandon}); the JDK would leave
 * the connection waiting for ever.
 */
final class HerdHttpExchange extends HttpExchange {
    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().daemon().name("herd-exchange-cleaner").factory());
    /** Marks an attribute this exchange removed, so that the context's value no longer shows. */
    private static final Object REMOVED = new Object();

    private final HttpCall call;
    private final HerdHttpContext context;
    private final URI uri;
    private final Headers requestHeaders;
    private final Headers responseHeaders = new Headers();
    private final Reply reply;
    private final RequestBody requestBody;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile InputStream in;
    private volatile OutputStream out;
    private volatile HttpPrincipal principal;

    // Guarded by this: a close without a head while the handler runs waits for the handler's end,
    // so that an exception it throws (try-with-resources closes first) is what the client's 500 shows.
    private boolean handlerRunning = true;
    private boolean closed;
    private boolean closedWithoutHead;

    HerdHttpExchange(HttpCall call, HerdHttpContext context, URI uri, Headers requestHeaders,
                     RequestBody requestBody, Reply reply) {
        this.call = call;
        this.context = context;
        this.uri = uri;
        this.requestHeaders = requestHeaders;
        this.requestBody = requestBody;
        this.reply = reply;
        this.in = requestBody;
        this.out = new ResponseBody(reply, this);
        reply.watchedBy(CLEANER.register(this, reply::abandon));
    }

    /** The exchange's task, on the server's executor: filters, authentication, handler. */
    void serve() {
        Throwable failure = null;
        try {
            context.handle(this);
        } catch (Throwable t) {
            failure = t;
        }
        boolean headless;
        synchronized (this) {
            handlerRunning = false;
            headless = closedWithoutHead;
        }
        if (failure != null) {
            reply.fail(failure);
        } else if (headless) {
            reply.closedWithoutHead();
        }
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return call.head().method().name();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    /**
     * As the JDK: closes the request body, then the response body as the program sees it (a
     * filter's wrapper gets to finish); a failing close cuts the connection. Closing before
     * {@link #sendResponseHeaders} leaves no response: the JDK then drops the connection without a
     * word; herd answers 500, since the call has no way to end without an answer.
     */
    @Override
    public void close() {
        boolean headless;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            headless = !reply.headSent();
            if (headless && handlerRunning) {
                closedWithoutHead = true;
                return;
            }
        }
        if (headless) {
            reply.closedWithoutHead();
            return;
        }
        requestBody.close();
        try {
            out.close();
        } catch (IOException e) {
            reply.fail(e);
        }
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
        reply.sendHead(rCode, responseLength, responseHeaders);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return inet(call.remoteAddress());
    }

    @Override
    public int getResponseCode() {
        return reply.code();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return inet(call.localAddress());
    }

    @Override
    public String getProtocol() {
        return call.head().protocolVersion().text();
    }

    @Override
    public Object getAttribute(String name) {
        Objects.requireNonNull(name, "null name");
        Object own = attributes.get(name);
        if (own == REMOVED) {
            return null;
        }
        return own != null ? own : context.getAttributes().get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        Objects.requireNonNull(name, "null name");
        attributes.put(name, value == null ? REMOVED : value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return principal;
    }

    void principal(HttpPrincipal authenticated) {
        principal = authenticated;
    }

    /**
     * A Unix-domain peer has no IP address; the API has only {@code InetSocketAddress}, so it reads
     * as the loopback address, port 0: the peer is on this machine, and has no port.
     */
    private static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * What {@link #getResponseBody()} gives before any filter wraps it. It holds the exchange, so
     * that a program that keeps only the stream (to write later) also keeps the exchange from its
     * cleaner.
     */
    private static final class ResponseBody extends OutputStream {
        private final Reply reply;
        @SuppressWarnings({"unused", "FieldCanBeLocal"})
        private final HerdHttpExchange exchange;

        ResponseBody(Reply reply, HerdHttpExchange exchange) {
            this.reply = reply;
            this.exchange = exchange;
        }

        @Override
        public void write(int b) throws IOException {
            reply.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int count) throws IOException {
            reply.write(bytes, offset, count);
        }

        @Override
        public void flush() throws IOException {
            reply.flush();
        }

        @Override
        public void close() throws IOException {
            reply.close();
        }
    }
}
