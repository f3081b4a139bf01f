package dev.herd.handler.http;

import dev.herd.handler.Drain;
import dev.herd.handler.bridge.WaterMarks;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Last in the pipeline, after the codec: the connection's side of HTTP/1.1. It turns the codec's
 * heads and body pieces into {@link Exchange}s for the {@link HttpService}, one at a time and in
 * the order they arrived (RFC 9112 §9.3.2: pipelined responses go out in request order, even when
 * a later one would be ready first), refuses the heads it must (413, 417, and what the decoder
 * rejected), keeps the body's deadlines, and decides when the connection ends: a response that
 * ends it, an idle keep-alive timeout, or the handler draining.
 *
 * <p>How a body reaches the service is the service's {@link HttpService.BodyMode}: whole in memory
 * for code on the loop; received whole for code that may block ({@code --request-buffering}, in
 * memory up to {@code --request-buffer-memory}, then in a temporary file), so that a slow client
 * costs a connection and never a thread; or streamed, the socket read only as fast as the service
 * reads the body. Over {@code --max-body} it is answered 413, chunked too.
 *
 * <p>It also keeps the loop's in-flight and request counters on the scoreboard, which is how the
 * spawner tells idle handlers from busy ones.
 */
public final class HttpExchangeHandler extends ChannelInboundHandlerAdapter
        implements IdleSweep.Watched, Exchange.Connection {
    private static final System.Logger LOG = System.getLogger(HttpExchangeHandler.class.getName());
    /** Codec messages held while a request is answered; past this the socket is not read. */
    static final int MAX_WAITING = 16;
    /** Bytes of a streamed body waiting for its reader before the socket is not read, and before it is again. */
    static final WaterMarks BODY_MARKS = new WaterMarks(64 * 1024, 16 * 1024);
    /**
     * How long a connection closed with part of its request unread may still send it: its input
     * is read and dropped meanwhile (see {@link #closeLingering}).
     */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final HttpService service;
    private final ServingLoop loop;
    private final long maxBody;
    private final HttpPipeline.Buffering buffering;
    private final BodyPace pace;
    private final ArrayDeque<HttpObject> inbound = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private long requestsSeen;
    /** Reads from the socket so far, whole requests or not: a client sending is not idle. */
    private long reads;
    private boolean closing;
    /** Closed for output; input is read and dropped until the client closes or the linger is over. */
    private boolean lingering;
    private boolean readPaused;
    /** When reading was paused (the loop's ticker), to excuse the client for that time. */
    private long pausedSince;
    private final IdleSweep idleSweep;
    /** When the connection last read or finished a response (the loop's ticker). */
    private long quietSince;
    private final long idleTimeoutNanos;

    /**
     * @param idleTimeout a connection waiting this long for its next request is closed ({@code --keepalive-timeout})
     * @param pace        how slowly a client may send a body it owes ({@code --body-timeout}, {@code --body-min-rate})
     * @param buffering   whether and how bodies for code that may block are received whole first
     */
    public HttpExchangeHandler(HttpService service, ServingLoop loop, long maxBody, Duration idleTimeout,
                               BodyPace pace, HttpPipeline.Buffering buffering) {
        this.service = service;
        this.loop = loop;
        this.maxBody = maxBody;
        this.pace = pace;
        this.buffering = buffering;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.idleSweep = loop.idleSweep(idleTimeout.compareTo(pace.timeout()) < 0 ? idleTimeout : pace.timeout());
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
     * way has its own deadline, in the codec). During a request, a client that owes body bytes
     * and sends them too slowly ({@link BodyPace}) is answered 408, unless herd itself stopped
     * reading (the application reads a streamed body slowly) or the request was answered already.
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
        } else if (current.awaitingBody() && !readPaused) {
            String late = pace.late(silent, nowNanos - current.intake().since(), current.intake().bytes());
            if (late != null) {
                current.bodyTimedOut(late);
            }
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

    /** Moves the codec's messages into exchanges for as long as the current one can take them. */
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
            } else if (!current.bodyComplete() && inbound.peek() instanceof HttpContent content) {
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
        Exchange exchange = new Exchange(this, service, head, maxBody, now());
        current = exchange;
        HttpResponseStatus refusal = refusal(head, maxBody);
        if (refusal != null) {
            if (!head.decoderResult().isSuccess()) {
                // The body, if any, is never complete: the connection closes lingering after the
                // answer, and what the client still sends is read and dropped.
                ReferenceCountUtil.release(head);
            }
            exchange.refuse(refusal);
            return;
        }
        HttpService.BodyMode mode;
        try {
            mode = service.bodyMode(head);
        } catch (RuntimeException e) {
            exchange.fail(e);
            return;
        }
        if (mode == HttpService.BodyMode.BUFFERED && !buffering.on()) {
            mode = HttpService.BodyMode.STREAM;
        }
        // RFC 9110 §10.1.1: an HTTP/1.0 client never gets a 100 (Continue).
        if (HttpUtil.is100ContinueExpected(head) && head.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        exchange.accept(mode, buffering, BODY_MARKS);
    }

    /**
     * What a head is answered without calling the service, or null: the decoder's rejection, a
     * declared body over {@code maxBody} (answered without reading it: what follows it on the
     * connection cannot be found), an expectation other than 100-continue.
     */
    static HttpResponseStatus refusal(HttpRequest head, long maxBody) {
        if (!head.decoderResult().isSuccess()) {
            return statusFor(head.decoderResult().cause());
        }
        long declared;
        try {
            declared = HttpUtil.getContentLength(head, -1L);
        } catch (NumberFormatException e) {
            return HttpResponseStatus.BAD_REQUEST;
        }
        if (declared > maxBody) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        if (unsupportedExpectation(head)) {
            return HttpResponseStatus.EXPECTATION_FAILED;
        }
        return null;
    }

    /** A streamed body's reader caught up: from any thread. */
    @Override
    public void bodyDrained() {
        loop.loop().execute(this::updateReading);
    }

    /** Reads the socket only while the waiting messages and the streamed body stay under their marks. */
    private void updateReading() {
        if (closing) {
            return;
        }
        boolean pause = inbound.size() >= MAX_WAITING
                || (current != null && current.intake().streamPaused());
        if (pause != readPaused) {
            readPaused = pause;
            if (pause) {
                pausedSince = now();
            } else if (current != null) {
                current.intake().notReadFor(now() - pausedSince);
            }
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
     * {@link Drain#GRACE} to send one, which is answered with {@code Connection: close}. Only a
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
        }, Drain.GRACE.toMillis(), TimeUnit.MILLISECONDS);
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

    @Override
    public void finished(Exchange exchange) {
        if (current != exchange) {
            return;
        }
        current = null;
        quietSince = now();
        if (exchange.closeAfter() && !exchange.bodyComplete()) {
            closeLingering();
            return;
        }
        if (exchange.closeAfter() || !exchange.keptAlive()) {
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

    @Override
    public ChannelHandlerContext context() {
        return ctx;
    }

    @Override
    public ServingLoop serving() {
        return loop;
    }

    @Override
    public boolean closing() {
        return closing;
    }

    @Override
    public void closeNow() {
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

    /** RFC 9110 §10.1.1: 100-continue is the only expectation defined; any other gets 417 (HTTP/1.1 only). */
    static boolean unsupportedExpectation(HttpRequest head) {
        String expect = head.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && head.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.strip());
    }
}
