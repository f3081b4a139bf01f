package dev.herd.handler.h2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The first stage of a cleartext connection with {@code --h2c}: a client that opens with HTTP/2's
 * connection preface ({@code PRI * HTTP/2.0...}, RFC 9113 §3.3) speaks HTTP/2, any other HTTP/1.1.
 * It decides at the first byte that differs from the preface (at once, for any HTTP/1.1 method but
 * {@code PRI}), sets the connection up for its protocol and steps aside, handing on what it read.
 * A client that sends nothing for the keep-alive timeout is closed, as an idle HTTP/1.1 one is.
 */
public final class PriorKnowledge extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Consumer<ChannelHandlerContext> http2;
    private final Consumer<ChannelHandlerContext> http1;
    private final Duration idleTimeout;
    private boolean decided;

    /**
     * @param http2 adds the HTTP/2 stages after this one
     * @param http1 adds the HTTP/1.1 stages after this one
     */
    public PriorKnowledge(Consumer<ChannelHandlerContext> http2, Consumer<ChannelHandlerContext> http1,
                          Duration idleTimeout) {
        this.http2 = http2;
        this.http1 = http1;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.executor().schedule(() -> {
            if (!decided) {
                ctx.close();
            }
        }, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int compared = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean matches = io.netty.buffer.ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(),
                compared);
        if (matches && compared < PREFACE.readableBytes()) {
            return;
        }
        decided = true;
        (matches ? http2 : http1).accept(ctx);
        // Removed, this stage hands what it read to the stages it added.
        ctx.pipeline().remove(this);
    }
}
