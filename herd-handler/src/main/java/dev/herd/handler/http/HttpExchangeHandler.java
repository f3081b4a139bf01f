package dev.herd.handler.http;

import dev.herd.api.BodyTooLargeException;
import dev.herd.api.HandlerContext;
import dev.herd.handler.bridge.InboundStream;
import dev.herd.handler.bridge.WaterMarks;
import dev.herd.handler.log.AccessLog;
import dev.herd.handler.Drain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Last in the pipeline, after the codec: turns the codec's heads and body pieces into
 * {@link HttpCall}s for the {@link HttpService}, one at a time and in the order they arrived (RFC
 * 9112 §9.3.2: pipelined responses go out in request order, even when a later one would be ready
 * first), frames every response, and decides when the connection ends: {@code Connection: close},
 * HTTP/1.0 without keep-alive, a request the decoder rejected, a body over the limit, a response of
 * unknown length on HTTP/1.0, an idle keep-alive timeout, or the handler draining.
 *
 * <p>A body reaches the service whole (the call is made once it has arrived; over
 * {@code --max-body} it is answered 413 in its turn, chunked too) or as a stream (the call is made
 * at the head, and the socket is read only as fast as the service reads the body).
 *
 * <p>It also keeps the loop's in-flight and request counters on the scoreboard, which is how the
 * spawner tells idle handlers from busy ones.
 */
public final class HttpExchangeHandler extends ChannelInboundHandlerAdapter implements IdleSweep.Watched {
    private static final System.Logger LOG = System.getLogger(HttpExchangeHandler.class.getName());
    /** Codec messages held while a request is answered; past this the socket is not read. */
    static final int MAX_WAITING = 16;
    /** Bytes of a streamed body waiting for its reader before the socket is not read. */
    static final int BODY_HIGH_WATER = 64 * 1024;
    static final int BODY_LOW_WATER = 16 * 1024;
    /** How long a draining handler gives a connection between requests to send one more. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(1);
    /**
     * How long a connection closed with part of its request unread may still send it: its input
     * is read and dropped meanwhile (see {@link #closeLingering}).
     */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final HttpService service;
    private final ServingLoop loop;
    private final long maxBody;
    private final ArrayDeque<HttpObject> inbound = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Call current;
    private long requestsSeen;
    /** Reads from the socket so far, whole requests or not: a client sending is not idle. */
    private long reads;
    private boolean closing;
    /** Closed for output; input is read and dropped until the client closes or the linger is over. */
    private boolean lingering;
    private boolean readPaused;
    private final IdleSweep idleSweep;
    /** When the connection last read or finished a response (the loop's ticker). */
    private long quietSince;
    private final long idleTimeoutNanos;
    private final long bodyTimeoutNanos;

    /**
     * @param idleTimeout a connection waiting this long for its next request is closed ({@code --keepalive-timeout})
     * @param bodyTimeout a client that sends none of a body it owes for this long gets 408 ({@code --body-timeout})
     */
    public HttpExchangeHandler(HttpService service, ServingLoop loop, long maxBody, Duration idleTimeout,
                               Duration bodyTimeout) {
        this.service = service;
        this.loop = loop;
        this.maxBody = maxBody;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.bodyTimeoutNanos = bodyTimeout.toNanos();
        this.idleSweep = loop.idleSweep(idleTimeout.compareTo(bodyTimeout) < 0 ? idleTimeout : bodyTimeout);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        quietSince = now();
        idleSweep.watch(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        idleSweep.forget(this);
    }

    /**
     * Between requests, a connection silent for the keep-alive timeout is closed (a head under
     * way has its own deadline, in the codec). During a request, a client that owes body bytes and
     * sent none for the body timeout is answered 408, unless herd itself stopped reading (the
     * application reads a streamed body slowly) or the request was answered already.
     */
    @Override
    public void sweep(long nowNanos) {
        if (closing) {
            return;
        }
        long silent = nowNanos - quietSince;
        if (current == null) {
            if (inbound.isEmpty() && silent > idleTimeoutNanos) {
                closeNow();
            }
        } else if (!current.bodyComplete && !readPaused && silent > bodyTimeoutNanos) {
            current.bodyTimedOut(Duration.ofNanos(bodyTimeoutNanos));
        }
    }

    private long now() {
        return loop.loop().ticker().nanoTime();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject object) || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inbound.add(object);
        process();
    }

    /** Moves the codec's messages into calls for as long as the current call can take them. */
    private void process() {
        while (!closing) {
            if (current == null) {
                HttpObject next = inbound.poll();
                if (next == null) {
                    break;
                }
                if (next instanceof HttpRequest head) {
                    begin(head);
                } else {
                    // The rest of a body that was refused or left unread: dropped.
                    ReferenceCountUtil.release(next);
                }
            } else if (!current.bodyComplete && inbound.peek() instanceof HttpContent content) {
                inbound.poll();
                current.content(content);
            } else {
                break;
            }
        }
        updateReading();
    }

    private void begin(HttpRequest head) {
        requestsSeen++;
        loop.counters().requestStarted();
        Call call = new Call(head);
        current = call;
        if (!head.decoderResult().isSuccess()) {
            ReferenceCountUtil.release(head);
            // The body, if any, is never complete: the connection closes lingering after the
            // answer, and what the client still sends is read and dropped.
            call.reject(statusFor(head.decoderResult().cause()));
            return;
        }
        long declared;
        try {
            declared = HttpUtil.getContentLength(head, -1L);
        } catch (NumberFormatException e) {
            call.reject(HttpResponseStatus.BAD_REQUEST);
            return;
        }
        if (declared > maxBody) {
            // Answered without reading the body; what follows it on the connection cannot be found.
            call.reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        if (unsupportedExpectation(head)) {
            call.reject(HttpResponseStatus.EXPECTATION_FAILED);
            return;
        }
        try {
            call.mode = service.bodyMode(head);
        } catch (RuntimeException e) {
            call.fail(e);
            return;
        }
        // RFC 9110 §10.1.1: an HTTP/1.0 client never gets a 100 (Continue).
        if (HttpUtil.is100ContinueExpected(head) && head.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        if (call.mode == HttpService.BodyMode.STREAM) {
            call.stream = new InboundStream(new WaterMarks(BODY_HIGH_WATER, BODY_LOW_WATER),
                    () -> loop.loop().execute(this::updateReading));
            call.dispatch();
        }
    }

    /** Reads the socket only while the waiting messages and the streamed body stay under their marks. */
    private void updateReading() {
        if (closing) {
            return;
        }
        boolean pause = inbound.size() >= MAX_WAITING
                || (current != null && current.stream != null && current.stream.paused());
        if (pause != readPaused) {
            readPaused = pause;
            ctx.channel().config().setAutoRead(!pause);
        }
    }

    /**
     * The handler drains: a connection with a request in flight closes after its response
     * ({@code Connection: close}, as every response of a draining loop says).
     *
     * <p>A connection between requests is not closed at once: its client may be sending the next
     * request right now (a keep-alive client that just read a response, or one that connected a
     * moment before the handler stopped accepting), and closing would fail that request. It gets
     * {@link #DRAIN_GRACE} to send one, which is answered with {@code Connection: close}. Only a
     * connection that sent nothing through the grace is closed; one that sent part of a request
     * gets another grace.
     */
    private void drain() {
        if (closing || current != null || !inbound.isEmpty()) {
            return;
        }
        long requestsBefore = requestsSeen;
        long readsBefore = reads;
        ctx.executor().schedule(() -> {
            if (requestsSeen != requestsBefore || closing) {
                return;
            }
            if (reads == readsBefore) {
                closeNow();
            } else {
                drain();
            }
        }, DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reads++;
        quietSince = now();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Drain.INSTANCE) {
            drain();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        idleSweep.forget(this);
        releaseInbound();
        if (current != null) {
            current.abort();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: nothing to answer, the connection is gone.
        LOG.log(System.Logger.Level.DEBUG, "connection error: {0}", cause.toString());
        if (!lingering) {
            closeNow();
        }
    }

    /** The current call is over: its response is out and its body read or dropped. */
    private void finished(Call call) {
        if (current != call) {
            return;
        }
        current = null;
        quietSince = now();
        if (call.closeAfter && !call.bodyComplete) {
            closeLingering();
            return;
        }
        if (call.closeAfter || !call.keptAlive) {
            closeNow();
            return;
        }
        process();
        if (current == null && loop.draining()) {
            // Its response said keep-alive (the drain began after it was written): the client
            // may send another request.
            drain();
        }
    }

    private void closeNow() {
        closing = true;
        releaseInbound();
        ctx.close();
    }

    /**
     * Closes a connection whose client may still be sending (a body refused with 413, a request
     * that could not be parsed). Closing a socket with unread input makes the kernel reset the
     * connection, and a reset can destroy the response before the client reads it; so the
     * response is followed by a half-close (FIN), and what the client still sends is read and
     * dropped until it closes too or {@link #LINGER} is over (RFC 9112 §9.6, nginx's lingering
     * close).
     */
    private void closeLingering() {
        closing = true;
        releaseInbound();
        if (!(ctx.channel() instanceof DuplexChannel duplex) || !duplex.isActive()) {
            ctx.close();
            return;
        }
        lingering = true;
        readPaused = false;
        duplex.config().setAutoRead(true);
        duplex.shutdownOutput().addListener(f -> ctx.executor().schedule(() -> ctx.close(),
                LINGER.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void releaseInbound() {
        HttpObject o;
        while ((o = inbound.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof RequestRejected rejected) {
            return rejected.status();
        }
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

    static boolean isTooLarge(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                return true;
            }
        }
        return false;
    }

    /**
     * One request and its response. Fields without comment are touched on the loop only; the
     * answering methods may be called from any thread and hop to the loop.
     */
    private final class Call implements HttpCall, ResponseBody.Sink {
        private final HttpRequest head;
        /** The request's version: what the client understands (a response always says HTTP/1.1, RFC 9110 §6.2). */
        private final HttpVersion version;
        private final boolean keepAliveAsked;
        private final AtomicBoolean answered = new AtomicBoolean();
        HttpService.BodyMode mode = HttpService.BodyMode.WHOLE;
        InboundStream stream;
        private CompositeByteBuf whole;
        private long received;
        private boolean dispatched;
        boolean bodyComplete;
        /** The connection cannot carry another request after this one. */
        boolean closeAfter;
        /** Whether the response said keep-alive. */
        boolean keptAlive;
        private boolean responseDone;
        private boolean over;
        /** For the access log: the status sent (0: none), the body bytes sent, when the request began. */
        private int statusSent;
        private long bytesSent;
        private final long startedNanos;
        private final long startedMillis;

        Call(HttpRequest head) {
            this.head = head;
            boolean logged = loop.accessLog().enabled();
            this.startedNanos = logged ? System.nanoTime() : 0;
            this.startedMillis = logged ? System.currentTimeMillis() : 0;
            this.version = head.decoderResult().isSuccess() ? head.protocolVersion() : HttpVersion.HTTP_1_1;
            this.keepAliveAsked = head.decoderResult().isSuccess() && HttpUtil.isKeepAlive(head);
        }

        // ---- the request, on the loop ----

        void content(HttpContent content) {
            ByteBuf bytes = content.content();
            boolean last = content instanceof LastHttpContent;
            boolean malformed = !content.decoderResult().isSuccess();
            received += bytes.readableBytes();
            if (malformed) {
                content.release();
                closeAfter = true;
                if (stream != null) {
                    stream.fail(new IOException("malformed request body"), false);
                } else if (!dispatched) {
                    reject(HttpResponseStatus.BAD_REQUEST);
                }
            } else if (received > maxBody) {
                content.release();
                overLimit();
            } else if (dispatched && stream == null || closeAfter && !dispatched) {
                content.release();
            } else if (stream != null) {
                stream.offer(bytes.retain());
                content.release();
            } else if (bytes.isReadable()) {
                if (whole == null) {
                    whole = ctx.alloc().compositeBuffer(64);
                }
                whole.addComponent(true, bytes.retain());
                content.release();
            } else {
                content.release();
            }
            if (last) {
                bodyComplete = true;
                if (stream != null) {
                    stream.end();
                } else if (!dispatched && !closeAfter) {
                    dispatch();
                }
                maybeOver();
            }
        }

        /** More than {@code --max-body}: 413 in its turn, and the rest of the connection is dropped. */
        private void overLimit() {
            if (closeAfter) {
                return;
            }
            closeAfter = true;
            if (stream != null) {
                stream.fail(new BodyTooLargeException(maxBody), false);
            } else if (!dispatched) {
                reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            }
            maybeOver();
        }

        void dispatch() {
            dispatched = true;
            try {
                service.serve(this);
            } catch (Throwable e) {
                fail(e);
            }
        }

        /** Answers with an error status without calling the service; the connection closes after it. */
        void reject(HttpResponseStatus status) {
            closeAfter = true;
            if (answered.compareAndSet(false, true)) {
                writeFull(status(status), Unpooled.copiedBuffer(status.reasonPhrase() + "\n", StandardCharsets.US_ASCII));
            }
        }

        /** The client sent none of the body it owes for {@code timeout}: 408, unless answered already. */
        void bodyTimedOut(Duration timeout) {
            if (answered.get()) {
                return;
            }
            if (stream != null) {
                stream.fail(new IOException("the client sent no body for " + timeout.toMillis() + " ms"), false);
            }
            reject(HttpResponseStatus.REQUEST_TIMEOUT);
        }

        /** The connection closed before the call was over. */
        void abort() {
            if (stream != null) {
                stream.fail(new IOException("the client closed the connection"), true);
            }
            responseDone = true;
            bodyComplete = true;
            maybeOver();
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
            return loop.handler();
        }

        @Override
        public long maxBody() {
            return maxBody;
        }

        @Override
        public ByteBuf body() {
            if (mode != HttpService.BodyMode.WHOLE) {
                throw new IllegalStateException("the body of this call is streamed");
            }
            return whole != null ? whole : Unpooled.EMPTY_BUFFER;
        }

        @Override
        public InputStream bodyStream() {
            if (stream == null) {
                throw new IllegalStateException("the body of this call was received whole");
            }
            return stream;
        }

        @Override
        public boolean answered() {
            return answered.get();
        }

        @Override
        public Runnable offLoop(Runnable task) {
            return loop.busy().counting(task);
        }

        @Override
        public void respond(HttpResponse response, ByteBuf body) {
            claim(body);
            onLoop(() -> writeFull(response, body));
        }

        @Override
        public void respondFile(HttpResponse response, FileChannel file, long offset, long length) {
            if (!answered.compareAndSet(false, true)) {
                closeQuietly(file);
                throw new IllegalStateException("this call was answered already");
            }
            onLoop(() -> {
                if (!prepare(response, length)) {
                    closeQuietly(file);
                    return;
                }
                ctx.write(response);
                if (sendsBody(response)) {
                    bytesSent += length;
                    ctx.write(new DefaultFileRegion(file, offset, length));
                } else {
                    closeQuietly(file);
                }
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(this::written);
            });
        }

        @Override
        public OutputStream respondStreaming(HttpResponse response, long length) {
            if (ctx.executor().inEventLoop()) {
                throw new IllegalStateException("a streamed response blocks: write it from another thread");
            }
            if (!answered.compareAndSet(false, true)) {
                throw new IllegalStateException("this call was answered already");
            }
            boolean discard = head.method().equals(HttpMethod.HEAD) || !bodyAllowed(response.status());
            onLoop(() -> {
                if (prepare(response, length)) {
                    ctx.writeAndFlush(response);
                }
            });
            return new ResponseBody(this, length, discard);
        }

        @Override
        public void fail(Throwable cause) {
            if (answered.compareAndSet(false, true)) {
                if (isTooLarge(cause)) {
                    HttpResponseStatus status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
                    onLoop(() -> {
                        closeAfter = true;
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

        // ---- ResponseBody.Sink, from the writer's thread ----

        @Override
        public void chunk(ByteBuf bytes, java.util.function.Consumer<Boolean> sent) {
            onLoop(() -> {
                if (closing || responseDone) {
                    bytes.release();
                    sent.accept(false);
                    return;
                }
                bytesSent += bytes.readableBytes();
                ctx.writeAndFlush(new DefaultHttpContent(bytes)).addListener(f -> sent.accept(f.isSuccess()));
            });
        }

        @Override
        public void end() {
            onLoop(() -> {
                if (!closing && !responseDone) {
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
                closeNow();
                maybeOver();
            });
        }

        // ---- writing, on the loop ----

        private void claim(ByteBuf body) {
            if (!answered.compareAndSet(false, true)) {
                body.release();
                throw new IllegalStateException("this call was answered already");
            }
        }

        private void writeFull(HttpResponse response, ByteBuf body) {
            if (!prepare(response, body.readableBytes())) {
                body.release();
                return;
            }
            ByteBuf content = sendsBody(response) ? body : releaseAndEmpty(body);
            bytesSent += content.readableBytes();
            ctx.writeAndFlush(new DefaultFullHttpResponse(response.protocolVersion(), response.status(), content,
                    response.headers(), EmptyHttpHeaders.INSTANCE)).addListener(this::written);
        }

        /**
         * Sets what the pipeline owns in the head: version, Date, framing and Connection. Returns
         * false when the connection is gone and nothing should be written.
         */
        private boolean prepare(HttpResponse response, long length) {
            if (closing) {
                responseDone = true;
                maybeOver();
                return false;
            }
            response.setProtocolVersion(HttpVersion.HTTP_1_1);
            statusSent = response.status().code();
            HttpHeaders headers = response.headers();
            boolean head = this.head.method().equals(HttpMethod.HEAD);
            if (head && length == 0) {
                // A HEAD answer has no body to measure: the length the service declared is the one
                // its GET would have had (RFC 9110 §9.3.2).
                length = declaredLength(headers);
            }
            if (headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
                closeAfter = true;
            }
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            headers.remove(HttpHeaderNames.CONNECTION);
            headers.set(HttpHeaderNames.DATE, HttpDate.now());
            if (bodyAllowed(response.status())) {
                if (length >= 0) {
                    headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
                } else if (version.equals(HttpVersion.HTTP_1_1)) {
                    headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                } else if (!head) {
                    // HTTP/1.0 has no chunks: the end of the connection ends the body (RFC 9112 §6.3).
                    closeAfter = true;
                }
            }
            keptAlive = keepAliveAsked && !closeAfter && !loop.draining();
            if (!keptAlive) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (version.equals(HttpVersion.HTTP_1_0)) {
                headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            return true;
        }

        private boolean sendsBody(HttpResponse response) {
            return !head.method().equals(HttpMethod.HEAD) && bodyAllowed(response.status());
        }

        private void written(io.netty.util.concurrent.Future<? super Void> f) {
            responseDone = true;
            if (!f.isSuccess()) {
                closeAfter = true;
                closeNow();
            }
            if (stream != null) {
                // What the service left unread is dropped as it comes.
                stream.stopReading();
            }
            maybeOver();
        }

        private void maybeOver() {
            if (over || !responseDone || !(bodyComplete || closeAfter)) {
                return;
            }
            over = true;
            if (whole != null) {
                whole.release();
                whole = null;
            }
            loop.counters().requestFinished();
            AccessLog.Loop log = loop.accessLog();
            if (log.enabled()) {
                log.add(logEntry());
            }
            finished(this);
        }

        /** What the access log says of this call; a call the client left before its answer is 499, as nginx logs it. */
        private AccessLog.Entry logEntry() {
            boolean parsed = head.decoderResult().isSuccess();
            SocketAddress remote = ctx.channel().remoteAddress();
            String client = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "-";
            return new AccessLog.Entry(client, parsed ? head.method().name() : null, parsed ? head.uri() : null,
                    parsed ? head.protocolVersion().text() : null, statusSent == 0 ? 499 : statusSent, bytesSent,
                    parsed ? head.headers().get(HttpHeaderNames.REFERER) : null,
                    parsed ? head.headers().get(HttpHeaderNames.USER_AGENT) : null,
                    startedMillis, System.nanoTime() - startedNanos);
        }

        private void onLoop(Runnable task) {
            if (ctx.executor().inEventLoop()) {
                task.run();
            } else {
                ctx.executor().execute(task);
            }
        }

        private HttpResponse status(HttpResponseStatus status) {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            return response;
        }
    }

    /** The service's own Content-Length, 0 when it gave none or an invalid one. */
    private static long declaredLength(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** RFC 9110 §10.1.1: 100-continue is the only expectation defined; any other gets 417 (HTTP/1.1 only). */
    static boolean unsupportedExpectation(HttpRequest head) {
        String expect = head.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && head.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.strip());
    }

    /** RFC 9110 §6.4.1: 1xx, 204 and 304 responses never carry content. */
    static boolean bodyAllowed(HttpResponseStatus status) {
        int code = status.code();
        return code >= 200 && code != 204 && code != 304;
    }

    private static ByteBuf releaseAndEmpty(ByteBuf body) {
        body.release();
        return Unpooled.EMPTY_BUFFER;
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // Nothing was sent from it.
        }
    }
}
