package dev.herd.handler.http;

import dev.herd.api.BodyTooLargeException;
import dev.herd.api.HandlerContext;
import dev.herd.handler.bridge.WaterMarks;
import dev.herd.handler.log.AccessLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One request of a connection and its response, as the {@link HttpCall} its service answers: the
 * call made when its body allows ({@link RequestIntake} takes the body as it arrives), the pipeline's
 * own answers to a client's errors (400, 408, 413), the service's answer framed
 * ({@link ResponseFraming}) and written on the loop, and the access log's entry once both are
 * over. The connection ({@link HttpExchangeHandler}) feeds it the request and learns through
 * {@link Connection#finished} that it is over.
 *
 * <p>Fields without comment are touched on the loop only; the answering methods may be called
 * from any thread and hop to the loop.
 */
final class Exchange implements HttpCall, ResponseBody.Sink {
    private static final System.Logger LOG = System.getLogger(Exchange.class.getName());

    /** What an exchange needs of its connection. */
    interface Connection {
        ChannelHandlerContext context();

        ServingLoop serving();

        /** Whether the connection is closing (nothing more is written). */
        boolean closing();

        /** Closes the connection at once. */
        void closeNow();

        /** The exchange is over: its response is out and its body read or dropped. */
        void finished(Exchange exchange);

        /** A streamed body's reader brought it under its low-water mark: the socket may be read again. */
        void bodyDrained();
    }

    private final Connection connection;
    private final HttpService service;
    private final ChannelHandlerContext ctx;
    private final ServingLoop serving;
    private final HttpRequest head;
    private final long maxBody;
    /** What the request asked for that shapes the response's framing. */
    private final ResponseFraming.Asked asked;
    private final AtomicBoolean answered = new AtomicBoolean();
    /** Answered by the pipeline itself (400, 408, 413...): the service's own answer, if any, is dropped. */
    private volatile boolean refused;
    private HttpService.BodyMode mode = HttpService.BodyMode.WHOLE;
    private final RequestIntake intake;
    private boolean dispatched;
    /** The body is over for this exchange: complete, or given up (the connection is cut or gone). */
    private boolean bodyComplete;
    /** The connection cannot carry another request after this one. */
    private boolean closeAfter;
    /** Whether the response said keep-alive. */
    private boolean keptAlive;
    private boolean responseDone;
    private boolean over;
    /** For the access log: the status sent (0: none), the body bytes sent, when the request began. */
    private int statusSent;
    private long bytesSent;
    private final long startedNanos;
    private final long startedMillis;

    Exchange(Connection connection, HttpService service, HttpRequest head, long maxBody, long nowNanos) {
        this.connection = connection;
        this.service = service;
        this.ctx = connection.context();
        this.serving = connection.serving();
        this.head = head;
        this.maxBody = maxBody;
        this.intake = new RequestIntake(maxBody, nowNanos);
        boolean logged = serving.accessLog().enabled();
        this.startedNanos = logged ? System.nanoTime() : 0;
        this.startedMillis = logged ? System.currentTimeMillis() : 0;
        boolean parsed = head.decoderResult().isSuccess();
        this.asked = new ResponseFraming.Asked(parsed ? head.protocolVersion() : HttpVersion.HTTP_1_1,
                parsed && head.method().equals(HttpMethod.HEAD), parsed && HttpUtil.isKeepAlive(head));
    }

    // ---- the request, on the loop ----

    /**
     * The head was accepted: the body arrives as {@code mode} says. A streamed body's call is made
     * now; a whole or buffered one's once it has arrived.
     *
     * @param buffering how much of a buffered body is kept in memory, and where the rest goes
     */
    void accept(HttpService.BodyMode mode, HttpPipeline.Buffering buffering, WaterMarks streamMarks) {
        this.mode = mode;
        switch (mode) {
            case STREAM -> {
                intake.stream(streamMarks, connection::bodyDrained);
                dispatch();
            }
            case BUFFERED -> intake.gather(ctx.alloc(), buffering.memory(), buffering.directory(), buffering.shared());
            // Code on the loop reads its body from memory: it stays there, bounded by --max-body.
            case WHOLE -> intake.gather(ctx.alloc(), maxBody, buffering.directory(), null);
        }
    }

    /** A piece of the body from the codec; takes ownership of it. */
    void content(HttpContent content) {
        switch (intake.take(content)) {
            case MORE -> {
            }
            case COMPLETE -> {
                bodyComplete = true;
                if (intake.gathered() && !dispatched) {
                    dispatch();
                }
                maybeOver();
            }
            case OVER_LIMIT -> overLimit();
            case BROKEN -> broken(intake.problem());
            case NOT_KEPT -> {
                LOG.log(System.Logger.Level.ERROR, "cannot keep the request body of " + head.method() + " "
                        + head.uri() + ": " + intake.problem(), intake.problem());
                refuse(HttpResponseStatus.INTERNAL_SERVER_ERROR);
                maybeOver();
            }
        }
    }

    /**
     * The client broke the body's framing (RFC 9112 §7.1: a chunk size that is no hex number or
     * overflows, chunk data not followed by CRLF, a chunk extension off the grammar). It is the
     * client's error, wherever it is found: 400 unless a response began, and the connection
     * closes. A streamed body's reader gets an {@code IOException}; whatever the service makes of
     * it, it never becomes a 500.
     */
    private void broken(Throwable cause) {
        // Answered first: the reader's failure must find the call answered, or it would answer 500.
        refuse(HttpResponseStatus.BAD_REQUEST);
        intake.failReader(new IOException("malformed request body: " + cause.getMessage()));
        maybeOver();
    }

    /** More than {@code --max-body}: 413 unless a response began, and the rest of the connection is dropped. */
    private void overLimit() {
        refuse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        intake.failReader(new BodyTooLargeException(maxBody));
        maybeOver();
    }

    private void dispatch() {
        dispatched = true;
        try {
            service.serve(this);
        } catch (Throwable e) {
            fail(e);
        }
    }

    /**
     * Answers with an error status without (further) help from the service, unless a response
     * was handed over already; the connection closes after it.
     */
    void refuse(HttpResponseStatus status) {
        closeAfter = true;
        intake.drop();
        if (answered.compareAndSet(false, true)) {
            // Set before anything else can fail the service's read (see fail).
            refused = true;
            writeFull(status(status), Unpooled.copiedBuffer(status.reasonPhrase() + "\n", StandardCharsets.US_ASCII));
        }
    }

    /** The client sent none of the body it owes in time: 408, unless answered already. */
    void bodyTimedOut(String why) {
        if (answered.get()) {
            return;
        }
        refuse(HttpResponseStatus.REQUEST_TIMEOUT);
        intake.failReader(new IOException(why));
    }

    /** The connection closed before the exchange was over. */
    void abort() {
        intake.failReader(new IOException("the client closed the connection"));
        responseDone = true;
        bodyComplete = true;
        maybeOver();
    }

    /** Whether the client still owes body bytes of a request not answered yet. */
    boolean awaitingBody() {
        return !bodyComplete && !answered.get();
    }

    boolean bodyComplete() {
        return bodyComplete;
    }

    boolean closeAfter() {
        return closeAfter;
    }

    boolean keptAlive() {
        return keptAlive;
    }

    /** The request's body, as it arrives. */
    RequestIntake intake() {
        return intake;
    }

    // ---- HttpCall ----

    @Override
    public HttpRequest head() {
        return head;
    }

    @Override
    public SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return ctx.channel().localAddress();
    }

    @Override
    public EventLoop loop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public HandlerContext handler() {
        return serving.handler();
    }

    @Override
    public long maxBody() {
        return maxBody;
    }

    @Override
    public ByteBuf body() {
        if (mode != HttpService.BodyMode.WHOLE) {
            throw new IllegalStateException("the body of this call is read as a stream");
        }
        return intake.whole();
    }

    @Override
    public InputStream bodyStream() {
        return switch (mode) {
            case STREAM, BUFFERED -> intake.stream();
            case WHOLE -> throw new IllegalStateException("the body of this call was received whole, in memory");
        };
    }

    @Override
    public boolean answered() {
        return answered.get();
    }

    @Override
    public Runnable offLoop(Runnable task) {
        return serving.busy().counting(task);
    }

    @Override
    public void respond(HttpResponse response, ByteBuf body) {
        if (!claim()) {
            body.release();
            return;
        }
        if (!onLoop(() -> writeFull(response, body))) {
            body.release();
        }
    }

    @Override
    public void respondRegion(HttpResponse response, FileRegion region) {
        if (!claim()) {
            region.release();
            return;
        }
        boolean handed = onLoop(() -> {
            if (!prepare(response, region.count())) {
                region.release();
                return;
            }
            ctx.write(response);
            if (sendsBody(response)) {
                bytesSent += region.count();
                ctx.write(region);
            } else {
                region.release();
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(this::written);
        });
        if (!handed) {
            region.release();
        }
    }

    @Override
    public OutputStream respondStreaming(HttpResponse response, long length) {
        if (ctx.executor().inEventLoop()) {
            throw new IllegalStateException("a streamed response blocks: write it from another thread");
        }
        if (!claim()) {
            return OutputStream.nullOutputStream();
        }
        boolean discard = asked.head() || !ResponseFraming.bodyAllowed(response.status().code());
        onLoop(() -> {
            if (prepare(response, length)) {
                ctx.writeAndFlush(response);
            }
        });
        return new ResponseBody(this, length, discard);
    }

    @Override
    public void fail(Throwable cause) {
        if (refused) {
            // The pipeline answered the client's own error (a broken or oversized body, a timeout):
            // what the service made of it is no failure of the service.
            LOG.log(System.Logger.Level.DEBUG, "{0} {1}: the service ended with {2} after the pipeline answered",
                    head.method(), head.uri(), cause.toString());
            return;
        }
        if (answered.compareAndSet(false, true)) {
            if (isTooLarge(cause)) {
                onLoop(() -> {
                    closeAfter = true;
                    HttpResponseStatus status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
                    writeFull(status(status), Unpooled.copiedBuffer("Content Too Large\n", StandardCharsets.US_ASCII));
                });
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "application failed on " + head.method() + " " + head.uri(), cause);
            onLoop(() -> writeFull(status(HttpResponseStatus.INTERNAL_SERVER_ERROR),
                    Unpooled.copiedBuffer("Internal Server Error\n", StandardCharsets.US_ASCII)));
            return;
        }
        // An I/O error after the response began is most often the client going away.
        boolean io = cause instanceof IOException || cause instanceof UncheckedIOException;
        LOG.log(io ? System.Logger.Level.DEBUG : System.Logger.Level.ERROR, "application failed on "
                + head.method() + " " + head.uri() + " after its response began: connection cut", cause);
        onLoop(this::cut);
    }

    static boolean isTooLarge(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                return true;
            }
        }
        return false;
    }

    // ---- ResponseBody.Sink, from the writer's thread ----

    @Override
    public void chunk(ByteBuf bytes, Consumer<Boolean> sent) {
        boolean handed = onLoop(() -> {
            if (connection.closing() || responseDone) {
                bytes.release();
                sent.accept(false);
                return;
            }
            bytesSent += bytes.readableBytes();
            ctx.writeAndFlush(new DefaultHttpContent(bytes)).addListener(f -> sent.accept(f.isSuccess()));
        });
        if (!handed) {
            // The handler is exiting: the writer learns that its connection is gone, as it would
            // from a failed write, instead of getting the loop's refusal.
            bytes.release();
            sent.accept(false);
        }
    }

    @Override
    public void end() {
        onLoop(() -> {
            if (!connection.closing() && !responseDone) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(this::written);
            }
        });
    }

    @Override
    public void cut() {
        onLoop(() -> {
            closeAfter = true;
            responseDone = true;
            bodyComplete = true;
            connection.closeNow();
            maybeOver();
        });
    }

    // ---- writing, on the loop ----

    /**
     * Takes the right to answer. False when the pipeline answered already (the service's answer
     * is dropped); an answer given twice by the service is its bug.
     */
    private boolean claim() {
        if (answered.compareAndSet(false, true)) {
            return true;
        }
        if (refused) {
            return false;
        }
        throw new IllegalStateException("this call was answered already");
    }

    private void writeFull(HttpResponse response, ByteBuf body) {
        if (!prepare(response, body.readableBytes())) {
            body.release();
            return;
        }
        ByteBuf content = body;
        if (!sendsBody(response)) {
            body.release();
            content = Unpooled.EMPTY_BUFFER;
        }
        bytesSent += content.readableBytes();
        ctx.writeAndFlush(new DefaultFullHttpResponse(response.protocolVersion(), response.status(), content,
                response.headers(), EmptyHttpHeaders.INSTANCE)).addListener(this::written);
    }

    /**
     * Sets what the pipeline owns in the head: version, Date, framing and Connection. Returns
     * false when the connection is gone and nothing should be written.
     */
    private boolean prepare(HttpResponse response, long length) {
        if (connection.closing()) {
            responseDone = true;
            maybeOver();
            return false;
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        statusSent = response.status().code();
        // Only a HEAD answer without a body needs the length its GET would have had.
        long declared = asked.head() && length == 0 ? ResponseFraming.declaredLength(response.headers()) : 0;
        ResponseFraming framing = ResponseFraming.of(asked, statusSent, length, declared,
                closeAfter || ResponseFraming.closeAsked(response.headers()), serving.draining());
        closeAfter = framing.endsConnection();
        keptAlive = framing.keptAlive();
        framing.applyTo(response.headers(), asked.version());
        response.headers().set(HttpHeaderNames.DATE, HttpDate.now());
        return true;
    }

    private boolean sendsBody(HttpResponse response) {
        return !asked.head() && ResponseFraming.bodyAllowed(response.status().code());
    }

    private void written(io.netty.util.concurrent.Future<? super Void> f) {
        responseDone = true;
        if (!f.isSuccess()) {
            closeAfter = true;
            connection.closeNow();
        }
        intake.readerDone();
        maybeOver();
    }

    private void maybeOver() {
        if (over || !responseDone || !(bodyComplete || closeAfter)) {
            return;
        }
        over = true;
        try {
            intake.release();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove a request body's temporary file: " + e);
        }
        serving.counters().requestFinished();
        AccessLog.Loop log = serving.accessLog();
        if (log.enabled()) {
            log.add(logEntry());
        }
        connection.finished(this);
    }

    /** What the access log says of this exchange; one the client left before its answer is 499, as nginx logs it. */
    private AccessLog.Entry logEntry() {
        boolean parsed = head.decoderResult().isSuccess();
        SocketAddress remote = ctx.channel().remoteAddress();
        String client = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "-";
        // An HTTP/2 stream's request reads as HTTP/1.1 here; the log says what the client spoke.
        String protocol = ctx.channel() instanceof Http2StreamChannel ? "HTTP/2.0" : head.protocolVersion().text();
        return new AccessLog.Entry(client, parsed ? head.method().name() : null, parsed ? head.uri() : null,
                parsed ? protocol : null, statusSent == 0 ? 499 : statusSent, bytesSent,
                parsed ? head.headers().get(HttpHeaderNames.REFERER) : null,
                parsed ? head.headers().get(HttpHeaderNames.USER_AGENT) : null,
                startedMillis, System.nanoTime() - startedNanos);
    }

    /**
     * Runs {@code task} on the loop, at once when called there. False when the loop refused it: it
     * is shutting down (the handler exits), and the connection goes with it.
     */
    private boolean onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return true;
        }
        try {
            ctx.executor().execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException exiting) {
            return false;
        }
    }

    private static HttpResponse status(HttpResponseStatus status) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }
}
