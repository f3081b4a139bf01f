package dev.herd.handler.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;

/**
 * Ends keep-alive connections on purpose, and cleanly: a response that would have kept its
 * connection carries {@code Connection: close} instead, and the connection closes once that
 * response is written. Never a reset, never in the middle of a request: the client reads the whole
 * response, and the next request goes out on a new connection, through the shared accept queue.
 *
 * <p>For three reasons, each counted on the loop's scoreboard line:
 * <ul>
 *   <li>{@code --keepalive-requests N}: the Nth response on a connection (as nginx's
 *       {@code keepalive_requests});</li>
 *   <li>{@code --max-connection-age}: the first response once the connection is that old;</li>
 *   <li>the loop holds clearly more than its fair share of connections ({@link Rebalancing}): the
 *       client comes back on a less loaded loop or handler, which is how keep-alive load reaches a
 *       pool that grew after the connections were made.</li>
 * </ul>
 * The first two are limit closes, the third a rebalance close.
 *
 * <p>A response with a pipelined request already waiting behind it keeps the connection, and the
 * next response that has none behind it ends the connection instead. Requests pipelined behind the
 * ending response that the codec has not decoded yet go unanswered, as after any
 * {@code Connection: close} (RFC 9112 §9.6: the server must not process them); a pipelining client
 * retries them (§9.3.2). Clients that wait for each response, which is nearly all, lose nothing.
 *
 * <p>Third in the HTTP pipeline ({@link HttpPipeline}), between the codec and the exchange
 * handler, where it sees the request heads come in and the responses go out.
 */
final class KeepAliveLimits extends ChannelDuplexHandler {
    private final long maxRequests;
    private final long maxAgeNanos;
    private final ServingLoop loop;
    private long openedAt;
    private long requests;
    private long responses;
    /** A response ended the connection: no request after it is processed (RFC 9112 §9.6). */
    private boolean ended;
    /** That response's last part is still to be written; the connection closes once it is. */
    private boolean closeAfterLast;
    /** A request came after that response: it and whatever follows are dropped. */
    private boolean dropping;

    /**
     * @param maxRequests responses on one connection, 0 for no limit
     * @param maxAge      age of a connection, {@link Duration#ZERO} for no limit
     */
    KeepAliveLimits(long maxRequests, Duration maxAge, ServingLoop loop) {
        this.maxRequests = maxRequests;
        this.maxAgeNanos = maxAge.toNanos();
        this.loop = loop;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        openedAt = loop.loop().ticker().nanoTime();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            dropping |= ended;
            requests++;
        }
        if (dropping) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!ended && msg instanceof HttpResponse response
                && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            responses++;
            if (HttpUtil.isKeepAlive(response) && responses == requests && shouldEnd()) {
                ended = true;
                closeAfterLast = true;
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        if (closeAfterLast && msg instanceof LastHttpContent) {
            closeAfterLast = false;
            promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
        }
        ctx.write(msg, promise);
    }

    /** Whether this response ends its connection; counts the reason if so. */
    private boolean shouldEnd() {
        boolean limit = maxRequests > 0 && responses >= maxRequests
                || maxAgeNanos > 0 && loop.loop().ticker().nanoTime() - openedAt >= maxAgeNanos;
        if (limit) {
            loop.counters().limitClosed();
            return true;
        }
        if (loop.rebalancing().shedOne()) {
            loop.counters().rebalanceClosed();
            return true;
        }
        return false;
    }
}
