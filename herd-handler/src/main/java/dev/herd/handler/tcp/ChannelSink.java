package dev.herd.handler.tcp;

import dev.herd.handler.bridge.OutboundStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.util.function.Consumer;

/**
 * Where a {@code TcpApp}'s output stream ({@link OutboundStream}) hands its chunks: the
 * connection's channel, written and flushed on its loop. Ending the stream ends the connection
 * once every chunk is written, as closing a socket does.
 */
final class ChannelSink implements OutboundStream.Sink {
    private final ChannelHandlerContext ctx;
    private final LoopTasks loop;

    ChannelSink(ChannelHandlerContext ctx, LoopTasks loop) {
        this.ctx = ctx;
        this.loop = loop;
    }

    @Override
    public void chunk(ByteBuf bytes, Consumer<Boolean> sent) {
        boolean posted = loop.post(() -> ctx.writeAndFlush(bytes).addListener(f -> sent.accept(f.isSuccess())));
        if (!posted) {
            // The handler is exiting, and the connection with it.
            bytes.release();
            sent.accept(false);
        }
    }

    @Override
    public void end() {
        // An empty write completes after every write before it: then nothing is lost by closing.
        loop.post(() -> ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
    }

    @Override
    public void cut() {
        loop.post(ctx::close);
    }
}
