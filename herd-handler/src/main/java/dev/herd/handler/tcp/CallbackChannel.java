package dev.herd.handler.tcp;

import dev.herd.api.HandlerContext;
import dev.herd.api.TcpChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * The {@link TcpChannel} an {@code AsyncTcpApp} is given. On the event loop, writes gather in one
 * buffer until {@link #flush}, so that the replies to a batch of pipelined requests leave in one
 * write; from another thread, each write is copied and handed to the loop, in order.
 */
final class CallbackChannel implements TcpChannel {
    /** Gathered bytes past this go to Netty's outbound buffer, where they count for {@link #writable()}. */
    static final int GATHER_LIMIT = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private final HandlerContext handler;
    private final Executor executor;
    private ByteBuf gathered;
    private boolean closed;

    /** @param executor runs the application's tasks on the loop, as callbacks */
    CallbackChannel(ChannelHandlerContext ctx, HandlerContext handler, Executor executor) {
        this.ctx = ctx;
        this.handler = handler;
        this.executor = executor;
    }

    @Override
    public void write(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return;
        }
        if (ctx.executor().inEventLoop()) {
            gather(bytes);
            return;
        }
        ByteBuf copy = Unpooled.copiedBuffer(bytes);
        bytes.position(bytes.limit());
        ctx.executor().execute(() -> {
            try {
                gather(copy.nioBuffer());
            } finally {
                copy.release();
            }
        });
    }

    @Override
    public void flush() {
        onLoop(this::flushNow);
    }

    @Override
    public boolean writable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void close() {
        onLoop(this::closeNow);
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
    public HandlerContext handler() {
        return handler;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    /** Called on the loop once the connection closed: what was gathered is dropped, later writes too. */
    void connectionClosed() {
        closed = true;
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }

    /** Runs {@code action} on the loop: now when called there, else after what was handed over before. */
    private void onLoop(Runnable action) {
        if (ctx.executor().inEventLoop()) {
            action.run();
        } else {
            ctx.executor().execute(action);
        }
    }

    private void gather(ByteBuffer bytes) {
        if (closed) {
            return;
        }
        if (gathered == null) {
            gathered = ctx.alloc().buffer(Math.max(bytes.remaining(), 256));
        }
        gathered.writeBytes(bytes);
        if (gathered.readableBytes() >= GATHER_LIMIT) {
            ctx.write(gathered, ctx.voidPromise());
            gathered = null;
        }
    }

    private void flushNow() {
        if (gathered != null) {
            ctx.write(gathered, ctx.voidPromise());
            gathered = null;
        }
        ctx.flush();
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        flushNow();
        closed = true;
        // The empty write completes after every write before it: nothing is cut short.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
