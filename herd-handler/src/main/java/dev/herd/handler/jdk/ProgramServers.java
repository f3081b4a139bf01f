package dev.herd.handler.jdk;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.herd.handler.http.HttpCall;
import dev.herd.handler.http.HttpService;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Every {@code HttpServer} one JDK program created in this handler, served as one
 * {@link HttpService} on herd's socket.
 *
 * <p>A program may create several servers (an API on one port, metrics on another): all of them
 * that are started share herd's socket, and a request goes to the context with the longest
 * matching path among them all. When two started servers have a context of the same path, the one
 * started first serves it, and a warning says so.
 *
 * <p>On the event loop it only chooses the context (or answers 400, 404, 500, 503 at once, with the
 * JDK's small HTML pages); the exchange runs on the server's executor, by default a virtual thread
 * of its own, so the program may block.
 */
final class ProgramServers implements HttpService {
    private static final System.Logger LOG = System.getLogger(ProgramServers.class.getName());
    private static final ThreadFactory EXCHANGE_THREADS = Thread.ofVirtual().name("http-exchange-", 0).factory();
    private static final Executor VIRTUAL_THREAD_PER_EXCHANGE = task -> EXCHANGE_THREADS.newThread(task).start();

    private final SocketAddress listening;
    private final List<HerdHttpServer> serving = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> firstStart = new CompletableFuture<>();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicBoolean warnedStopped = new AtomicBoolean();
    private final AtomicBoolean warnedInline = new AtomicBoolean();

    /** @param listening herd's listening socket's address, TCP or Unix-domain */
    ProgramServers(SocketAddress listening) {
        this.listening = listening;
    }

    /** What {@code HttpServer.create(address, backlog)} gives: the backlog is herd's own too. */
    HttpServer create(InetSocketAddress requested) {
        created.incrementAndGet();
        return new HerdHttpServer(this, requested);
    }

    /** How many servers the program created. */
    int created() {
        return created.get();
    }

    /** Completes when the program starts its first server: the handler is ready from then on. */
    CompletionStage<Void> firstStart() {
        return firstStart;
    }

    InetSocketAddress address() {
        return listening instanceof InetSocketAddress inet ? inet : null;
    }

    void started(HerdHttpServer server, InetSocketAddress asked) {
        LOG.log(INFO, "the program's HttpServer asked for " + text(asked) + "; herd serves it on its own socket, "
                + (listening instanceof InetSocketAddress inet ? text(inet) : listening));
        for (HerdHttpServer other : serving) {
            for (String path : server.paths()) {
                if (other.paths().contains(path)) {
                    LOG.log(WARNING, "two started HttpServers have a context for " + path
                            + ": they share herd's socket, so the one started first serves it");
                }
            }
        }
        serving.add(server);
        firstStart.complete(null);
    }

    void stopped(HerdHttpServer server) {
        serving.remove(server);
        if (serving.isEmpty() && warnedStopped.compareAndSet(false, true)) {
            LOG.log(WARNING, "the program stopped its HttpServer: this handler answers 503 until a server starts again");
        }
    }

    /**
     * A program's handlers block (they run on its executor, whose threads are few): its bodies are
     * received whole first, unless {@code --request-buffering off}.
     */
    @Override
    public BodyMode bodyMode(HttpRequest head) {
        return BodyMode.BUFFERED;
    }

    @Override
    public void serve(HttpCall call) {
        HttpRequest head = call.head();
        URI uri;
        Headers headers;
        // The pages never repeat what the client sent: they are HTML.
        try {
            uri = new URI(head.uri());
        } catch (URISyntaxException e) {
            reject(call, HttpResponseStatus.BAD_REQUEST, "URISyntaxException thrown");
            return;
        }
        try {
            headers = requestHeaders(head);
        } catch (IllegalArgumentException e) {
            reject(call, HttpResponseStatus.BAD_REQUEST, "Illegal character in a header");
            return;
        }
        HerdHttpContext context = find(uri.getPath());
        if (context == null) {
            if (serving.isEmpty()) {
                reject(call, HttpResponseStatus.SERVICE_UNAVAILABLE, "No HttpServer is running");
            } else {
                reject(call, HttpResponseStatus.NOT_FOUND, "No context found for request");
            }
            return;
        }
        if (context.getHandler() == null) {
            reject(call, HttpResponseStatus.INTERNAL_SERVER_ERROR, "No handler for context");
            return;
        }
        HerdHttpServer server = context.server();
        RequestBody body = new RequestBody(call);
        Reply reply = new Reply(call, server, body, HttpMethod.HEAD.equals(head.method()),
                head.method().name() + " " + head.uri());
        if (!server.admit(reply)) {
            reject(call, HttpResponseStatus.SERVICE_UNAVAILABLE, "No HttpServer is running");
            return;
        }
        HerdHttpExchange exchange = new HerdHttpExchange(call, context, uri, headers, body, reply);
        Runnable serve = call.offLoop(exchange::serve);
        Executor executor = server.getExecutor();
        try {
            if (executor == null) {
                VIRTUAL_THREAD_PER_EXCHANGE.execute(serve);
            } else {
                executor.execute(() -> serveOffLoop(call, serve));
            }
        } catch (RuntimeException e) {
            reply.fail(e);
        }
    }

    /**
     * A program's executor may run the task in the calling thread ({@code Runnable::run}, the JDK's
     * own default), which here is herd's event loop: the handler would block the loop and every
     * connection on it, and reading the body would wait for bytes only that loop can deliver.
     */
    private void serveOffLoop(HttpCall call, Runnable serve) {
        if (!call.loop().inEventLoop()) {
            serve.run();
            return;
        }
        if (warnedInline.compareAndSet(false, true)) {
            LOG.log(WARNING, "the program's executor runs exchanges in the calling thread, herd's event loop;"
                    + " herd runs them on virtual threads instead");
        }
        VIRTUAL_THREAD_PER_EXCHANGE.execute(serve);
    }

    private HerdHttpContext find(String path) {
        if (path == null) {
            return null;
        }
        HerdHttpContext found = null;
        for (HerdHttpServer server : serving) {
            HerdHttpContext candidate = server.longest(path);
            if (candidate != null && (found == null || candidate.getPath().length() > found.getPath().length())) {
                found = candidate;
            }
        }
        return found;
    }

    /** host:port, without the resolved form that {@code InetSocketAddress.toString()} adds. */
    private static String text(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The JDK's request headers: names normalised by {@link Headers}, read-only. */
    private static Headers requestHeaders(HttpRequest head) {
        Headers headers = new Headers();
        for (Map.Entry<String, String> header : head.headers()) {
            headers.add(header.getKey(), header.getValue());
        }
        return Headers.of(headers);
    }

    /** The JDK's own answer when no program code can: a short HTML page naming the reason. */
    private static void reject(HttpCall call, HttpResponseStatus status, String why) {
        byte[] page = ("<h1>" + status.code() + " " + status.reasonPhrase() + "</h1>" + why)
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html");
        call.respond(response, Unpooled.wrappedBuffer(page));
    }
}
