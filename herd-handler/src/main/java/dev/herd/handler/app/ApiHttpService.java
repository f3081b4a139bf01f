package dev.herd.handler.app;

import dev.herd.api.App;
import dev.herd.api.AsyncHttpApp;
import dev.herd.api.AsyncTcpApp;
import dev.herd.api.Body;
import dev.herd.api.Dispatch;
import dev.herd.api.HttpApp;
import dev.herd.api.Response;
import dev.herd.api.TcpApp;
import dev.herd.handler.http.HttpCall;
import dev.herd.handler.http.HttpService;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;

/**
 * Serves an {@link HttpApp} or {@link AsyncHttpApp}: where its code runs is its declared
 * {@link Dispatch}, never a guess. On the event loop the body arrives whole; on a virtual thread
 * per request it is streamed (the thread may block reading it), and the response is written back
 * through the loop.
 */
public final class ApiHttpService implements HttpService {
    private final App app;
    private final ClassLoader loader;
    private final boolean virtualThreads;
    private final ThreadFactory threads = Thread.ofVirtual().name("request-", 0).factory();
    /**
     * A {@link Response}'s fields were checked when they were set (tokens for names, RFC 9110 §5.5
     * for values): checking them again for every request would be work done twice.
     */
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private ApiHttpService(App app, ClassLoader loader, boolean virtualThreads) {
        this.app = app;
        this.loader = loader;
        this.virtualThreads = virtualThreads;
    }

    /** The service for {@code app}, loaded by {@code loader} (the thread context class loader of its code). */
    public static ApiHttpService of(App app, ClassLoader loader) throws BootFailure {
        String name = app.getClass().getName();
        return switch (app) {
            case HttpApp http -> {
                Dispatch dispatch = http.dispatch();
                if (dispatch == null) {
                    throw new BootFailure("application " + name + ": dispatch() returned null; expected EVENT_LOOP or VIRTUAL_THREAD");
                }
                yield new ApiHttpService(app, loader, dispatch == Dispatch.VIRTUAL_THREAD);
            }
            case AsyncHttpApp async -> new ApiHttpService(async, loader, false);
            case TcpApp tcp -> throw new BootFailure("application " + name
                    + " is a TCP application (TcpApp): serve it with --protocol tcp");
            case AsyncTcpApp tcp -> throw new BootFailure("application " + name
                    + " is a TCP application (AsyncTcpApp): serve it with --protocol tcp");
        };
    }

    /**
     * On the loop, a body arrives whole; on a virtual thread, it is received whole first unless the
     * application streams it ({@link HttpApp#streamsBody}).
     */
    @Override
    public BodyMode bodyMode(HttpRequest head) {
        if (!virtualThreads) {
            return BodyMode.WHOLE;
        }
        return app instanceof HttpApp http && http.streamsBody(ApiRequest.headOnly(head)) ? BodyMode.STREAM
                : BodyMode.BUFFERED;
    }

    @Override
    public void serve(HttpCall call) throws Exception {
        ApiRequest request = new ApiRequest(call, virtualThreads ? BodyMode.STREAM : BodyMode.WHOLE);
        switch (app) {
            case HttpApp http when virtualThreads -> threads.newThread(call.offLoop(() -> {
                Thread.currentThread().setContextClassLoader(loader);
                Response response;
                try {
                    response = http.handle(request);
                } catch (Throwable e) {
                    call.fail(e);
                    return;
                }
                answer(call, response);
            })).start();
            case HttpApp http -> answer(call, http.handle(request));
            case AsyncHttpApp async -> {
                CompletionStage<Response> stage = async.handle(request);
                if (stage == null) {
                    throw new NullPointerException(app.getClass().getName() + ".handle returned null");
                }
                stage.whenComplete((response, error) -> {
                    if (error != null) {
                        call.fail(error);
                    } else {
                        answer(call, response);
                    }
                });
            }
            default -> throw new IllegalStateException("not an HTTP application: " + app.getClass().getName());
        }
    }

    /** Writes the application's response through the call; any failure answers 500 or cuts. */
    void answer(HttpCall call, Response response) {
        if (response == null) {
            call.fail(new NullPointerException(app.getClass().getName() + ".handle returned no response"));
            return;
        }
        HttpResponse head;
        try {
            head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()), HEADERS);
            for (Map.Entry<String, String> field : response.headers()) {
                head.headers().add(field.getKey(), field.getValue());
            }
        } catch (RuntimeException e) {
            call.fail(e);
            return;
        }
        switch (response.body()) {
            case Body.Empty empty -> call.respond(head, Unpooled.EMPTY_BUFFER);
            case Body.Bytes bytes -> call.respond(head, Unpooled.wrappedBuffer(bytes.bytes()));
            case Body.File file -> respondFile(call, head, file);
            case Body.Streamed streamed -> {
                if (call.loop().inEventLoop()) {
                    threads.newThread(call.offLoop(() -> {
                        Thread.currentThread().setContextClassLoader(loader);
                        stream(call, head, streamed);
                    })).start();
                } else {
                    stream(call, head, streamed);
                }
            }
        }
    }

    private static void respondFile(HttpCall call, HttpResponse head, Body.File file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file.path(), StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            call.fail(new IOException("cannot open " + file.path() + ": " + e, e));
            return;
        }
        try {
            long size = channel.size();
            if (file.offset() > size || (file.length() >= 0 && file.offset() + file.length() > size)) {
                channel.close();
                call.fail(new IOException(file.path() + " has " + size + " bytes, fewer than the response's range"));
                return;
            }
            long length = file.length() >= 0 ? file.length() : size - file.offset();
            call.respondFile(head, channel, file.offset(), length);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Failing anyway.
            }
            call.fail(e);
        }
    }

    /** Runs the body writer; a failure after the head went out cuts the connection (never a short "whole" body). */
    private static void stream(HttpCall call, HttpResponse head, Body.Streamed streamed) {
        OutputStream out = call.respondStreaming(head, streamed.length());
        try {
            streamed.writer().writeTo(out);
            out.close();
        } catch (Throwable e) {
            call.fail(e);
        }
    }
}
