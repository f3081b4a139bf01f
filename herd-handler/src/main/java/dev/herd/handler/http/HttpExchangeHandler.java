package dev.herd.handler.http;

import dev.herd.handler.api.HttpApp;
import dev.herd.handler.api.Request;
import dev.herd.handler.api.Response;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Last in the pipeline, after {@code HttpObjectAggregator}: answers whole requests, one at a time
 * and in the order they arrived (RFC 9112 §9.3.2: pipelined responses go out in request order,
 * even when a later request would be ready first), and decides when the connection ends:
 * {@code Connection: close}, HTTP/1.0 without keep-alive, a request the decoder rejected, an idle
 * keep-alive timeout, or the handler draining.
 *
 * <p>It also keeps the loop's in-flight and request counters on the scoreboard, which is how the
 * spawner tells idle handlers from busy ones.
 */
public final class HttpExchangeHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HttpExchangeHandler.class.getName());
    /** Pipelined requests held while one is being answered; past this the socket is not read. */
    static final int MAX_WAITING = 16;

    private final HttpApp app;
    private final ServingLoop loop;
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    /** How long a draining handler waits for the first request of a connection that sent none yet. */
    static final java.time.Duration FIRST_REQUEST_GRACE = java.time.Duration.ofSeconds(1);

    private boolean answering;
    private long requestsSeen;
    private boolean closing;

    public HttpExchangeHandler(HttpApp app, ServingLoop loop) {
        this.app = app;
        this.loop = loop;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        waiting.add(request);
        requestsSeen++;
        if (waiting.size() >= MAX_WAITING) {
            ctx.channel().config().setAutoRead(false);
        }
        if (!answering) {
            answerNext(ctx);
        }
    }

    /**
     * Closes the connection now if it is between requests, else after the current response.
     *
     * <p>A connection that has not sent its first request yet is not "between requests": its
     * client has just connected and is about to send one (it may have been accepted a moment
     * before the handler stopped accepting). Closing it would fail that request, so it gets
     * {@link #FIRST_REQUEST_GRACE} to send it, and is answered with {@code Connection: close}.
     */
    public void drain(ChannelHandlerContext ctx) {
        if (answering || !waiting.isEmpty()) {
            return;
        }
        if (requestsSeen > 0) {
            closeNow(ctx);
            return;
        }
        ctx.executor().schedule(() -> {
            if (requestsSeen == 0) {
                closeNow(ctx);
            }
        }, FIRST_REQUEST_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (!answering && waiting.isEmpty()) {
                closeNow(ctx);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: nothing to answer, the connection is gone.
        LOG.log(System.Logger.Level.DEBUG, "connection error: {0}", cause.toString());
        closeNow(ctx);
    }

    private void answerNext(ChannelHandlerContext ctx) {
        FullHttpRequest request = waiting.poll();
        if (request == null) {
            if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            if (loop.draining()) {
                closeNow(ctx);
            }
            return;
        }
        answering = true;
        loop.counters().requestStarted();
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            HttpResponseStatus status = statusFor(request.decoderResult().cause());
            request.release();
            respond(ctx, Response.text(status.code(), status.reasonPhrase() + "\n"), HttpVersion.HTTP_1_1, false);
            return;
        }
        CompletionStage<Response> answer;
        try {
            answer = app.handle(toRequest(request), loop);
        } catch (RuntimeException | Error e) {
            answer = CompletableFuture.failedFuture(e);
        } finally {
            request.release();
        }
        if (answer instanceof CompletableFuture<Response> done && done.isDone() && !done.isCompletedExceptionally()) {
            respond(ctx, done.join(), version, keepAlive);
            return;
        }
        answer.whenComplete((response, error) -> {
            Response r = error == null && response != null ? response : internalError(error);
            if (ctx.executor().inEventLoop()) {
                respond(ctx, r, version, keepAlive);
            } else {
                ctx.executor().execute(() -> respond(ctx, r, version, keepAlive));
            }
        });
    }

    private static Request toRequest(FullHttpRequest request) {
        HttpHeaders headers = request.headers();
        // HEAD is served as GET; HttpServerCodec remembers the method and sends no body.
        String method = request.method() == HttpMethod.HEAD ? "GET" : request.method().name();
        byte[] body = request.content().isReadable() ? ByteBufUtil.getBytes(request.content()) : EMPTY;
        return new Request(method, request.uri(), headers::get, body);
    }

    private static final byte[] EMPTY = new byte[0];

    private void respond(ChannelHandlerContext ctx, Response response, HttpVersion version, boolean keepAliveAsked) {
        boolean keepAlive = keepAliveAsked && !loop.draining() && !closing;
        FullHttpResponse out = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(response.status()),
                Unpooled.wrappedBuffer(response.body()));
        HttpHeaders headers = out.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        headers.set(HttpHeaderNames.DATE, HttpDate.now());
        for (Map.Entry<String, String> h : response.headers().entrySet()) {
            headers.set(h.getKey(), h.getValue());
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version == HttpVersion.HTTP_1_0) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ctx.writeAndFlush(out).addListener(written -> {
            loop.counters().requestFinished();
            answering = false;
            if (!keepAlive || !written.isSuccess()) {
                closeNow(ctx);
            } else {
                answerNext(ctx);
            }
        });
    }

    private void closeNow(ChannelHandlerContext ctx) {
        closing = true;
        releaseWaiting();
        ctx.close();
    }

    private void releaseWaiting() {
        FullHttpRequest r;
        while ((r = waiting.poll()) != null) {
            r.release();
        }
    }

    static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static Response internalError(Throwable error) {
        LOG.log(System.Logger.Level.ERROR, "application failed", error);
        return Response.text(500, "Internal Server Error\n");
    }
}
