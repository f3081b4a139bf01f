package dev.herd.handler.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * What the two TCP connection handlers share: the application's side of the connection starts
 * exactly once, whether the handler joins the pipeline before the channel is active (the handler
 * process builds it before registration) or after (a test's channel); and a connection error (a
 * reset, say) closes the connection without bothering the log.
 */
abstract class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private boolean started;

    /** Runs on the loop, once, when the connection is open. */
    abstract void start(ChannelHandlerContext ctx);

    @Override
    public final void handlerAdded(ChannelHandlerContext ctx) {
        // Added to a connection that is already open: it has no channelActive to come.
        if (ctx.channel().isActive()) {
            startOnce(ctx);
        }
    }

    @Override
    public final void channelActive(ChannelHandlerContext ctx) {
        startOnce(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The connection is gone: the application hears of it as its end (end of input, onClose).
        System.getLogger(getClass().getName()).log(System.Logger.Level.DEBUG, "connection error: {0}", cause.toString());
        ctx.close();
    }

    private void startOnce(ChannelHandlerContext ctx) {
        if (!started) {
            started = true;
            start(ctx);
        }
    }
}
