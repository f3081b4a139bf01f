package dev.herd.handler.h2;

import dev.herd.handler.Drain;
import dev.herd.handler.http.IdleSweep;
import dev.herd.handler.http.ServingLoop;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Stream;

import java.time.Duration;

/**
 * What an HTTP/2 connection's deadlines and draining mean, last on its pipeline:
 * <ul>
 *   <li>a connection with no stream open for the keep-alive timeout is closed (with GOAWAY), whatever
 *       PING or SETTINGS frames it sends meanwhile;</li>
 *   <li>one whose client keeps a response waiting on a flow-control window of zero (its own or
 *       the connection's) for the stall timeout is closed at once: a client that never reads
 *       would hold the response's memory and the stream forever;</li>
 *   <li>when the handler drains, GOAWAY tells the client to open no more streams, those open
 *       finish within the graceful timeout, and the connection closes.</li>
 * </ul>
 */
final class ConnectionWatch extends ChannelInboundHandlerAdapter implements IdleSweep.Watched {
    private static final System.Logger LOG = System.getLogger(ConnectionWatch.class.getName());

    private final Http2FrameCodec codec;
    private final ServingLoop loop;
    private final long idleNanos;
    private final long stallNanos;
    private final IdleSweep sweep;
    private ChannelHandlerContext ctx;
    private long quietSince;
    /** Since when a response has waited for window; {@code -1}: none waits. */
    private long stalledSince = -1;
    private boolean closing;

    ConnectionWatch(Http2FrameCodec codec, ServingLoop loop, Duration idleTimeout, Duration stallTimeout) {
        this.codec = codec;
        this.loop = loop;
        this.idleNanos = idleTimeout.toNanos();
        this.stallNanos = stallTimeout.toNanos();
        this.sweep = loop.idleSweep(idleTimeout.compareTo(stallTimeout) < 0 ? idleTimeout : stallTimeout);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        quietSince = now();
        sweep.watch(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        sweep.forget(this);
    }

    @Override
    public void sweep(long nowNanos) {
        if (closing) {
            return;
        }
        Http2Connection connection = codec.connection();
        if (connection.numActiveStreams() > 0) {
            quietSince = nowNanos;
        } else if (nowNanos - quietSince > idleNanos) {
            close(false);
            return;
        }
        if (!waitsForWindow(connection)) {
            stalledSince = -1;
        } else if (stalledSince < 0) {
            stalledSince = nowNanos;
        } else if (nowNanos - stalledSince > stallNanos) {
            LOG.log(System.Logger.Level.DEBUG, "HTTP/2 client {0} opened no flow-control window for {1} ms: closed",
                    ctx.channel().remoteAddress(), (nowNanos - stalledSince) / 1_000_000);
            close(true);
        }
    }

    /** Whether a response has bytes to send and a window of zero to send them in. */
    private static boolean waitsForWindow(Http2Connection connection) {
        Http2RemoteFlowController flow = connection.remote().flowController();
        boolean connectionShut = flow.windowSize(connection.connectionStream()) <= 0;
        boolean[] waiting = {false};
        try {
            connection.forEachActiveStream((Http2Stream stream) -> {
                if (flow.hasFlowControlled(stream) && (connectionShut || flow.windowSize(stream) <= 0)) {
                    waiting[0] = true;
                    return false;
                }
                return true;
            });
        } catch (Http2Exception e) {
            // The visitor throws nothing.
            throw new IllegalStateException(e);
        }
        return waiting[0];
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Drain.INSTANCE) {
            close(false);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        sweep.forget(this);
        ctx.fireChannelInactive();
    }

    /**
     * A protocol error (a flood, a frame out of place) the codec answers itself, with GOAWAY and
     * the error's code, then closes; closing here first would say GOAWAY without an error. Anything
     * else (a reset connection) closes it.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "HTTP/2 connection {0}: {1}", ctx.channel().remoteAddress(),
                cause.toString());
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }

    /** GOAWAY, then the open streams finish (within the graceful timeout), unless {@code now}. */
    private void close(boolean now) {
        closing = true;
        if (now) {
            codec.gracefulShutdownTimeoutMillis(0);
        }
        ctx.channel().close();
    }

    private long now() {
        return loop.loop().ticker().nanoTime();
    }
}
