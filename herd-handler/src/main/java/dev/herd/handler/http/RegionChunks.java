package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A file's region, sent where the kernel cannot send it from the file (TLS encrypts it in the
 * process; HTTP/2 frames it): read in pieces of {@link #PIECE} bytes as the connection can take them,
 * through Netty's {@link ChunkedWriteHandler}, which this stage puts before itself on the way out
 * when a connection first sends a file (until then its responses pass without it).
 */
@ChannelHandler.Sharable
public final class RegionChunks extends ChannelOutboundHandlerAdapter {
    /** Bytes read from the file at a time: one TLS record's worth of plaintext. */
    static final int PIECE = 16 * 1024;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof FileRegion region) {
            if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
                ctx.pipeline().addBefore(ctx.name(), "chunks", new ChunkedWriteHandler());
            }
            ctx.write(new Pieces(region), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** The region as body pieces; each read copies the next bytes of the file into a buffer. */
    static final class Pieces implements ChunkedInput<HttpContent> {
        private final FileRegion region;
        private long sent;
        private boolean closed;

        Pieces(FileRegion region) {
            this.region = region;
        }

        @Override
        public boolean isEndOfInput() {
            return sent >= region.count();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                region.release();
            }
        }

        @Deprecated
        @Override
        public HttpContent readChunk(ChannelHandlerContext ctx) throws IOException {
            return readChunk(ctx.alloc());
        }

        @Override
        public HttpContent readChunk(ByteBufAllocator allocator) throws IOException {
            if (isEndOfInput()) {
                return null;
            }
            int size = (int) Math.min(PIECE, region.count() - sent);
            ByteBuf piece = allocator.buffer(size);
            try {
                Into into = new Into(piece);
                while (piece.writableBytes() > 0 && sent < region.count()) {
                    long n = region.transferTo(into, sent);
                    if (n <= 0) {
                        throw new IOException("the file ended " + (region.count() - sent) + " bytes early");
                    }
                    sent += n;
                }
                return new DefaultHttpContent(piece);
            } catch (IOException | RuntimeException e) {
                piece.release();
                throw e;
            }
        }

        @Override
        public long length() {
            return region.count();
        }

        @Override
        public long progress() {
            return sent;
        }
    }

    /** A channel that fills a buffer and takes no more than it has room for. */
    private record Into(ByteBuf buffer) implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), buffer.writableBytes());
            ByteBuffer slice = src.slice(src.position(), n);
            buffer.writeBytes(slice);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
