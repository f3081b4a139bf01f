package dev.herd.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;

/**
 * The "why processes?" baseline of {@code bench/peers.sh}: one JVM, Netty's native epoll transport
 * (or NIO), one event loop per processor unless told otherwise, answering every request on
 * 127.0.0.1 with 200 {@code Hello, World!} ({@code text/plain}).
 *
 * <pre>bench/run-main.sh dev.herd.bench.SingleNetty PORT [LOOPS] [nio|epoll]</pre>
 */
public final class SingleNetty {
    private static final FullHttpResponse HELLO = response(OK, "Hello, World!", null);
    /** HTTP/1.0 closes after the response unless both sides say keep-alive (RFC 9112 §9.3). */
    private static final FullHttpResponse HELLO_1_0 = response(OK, "Hello, World!", HttpHeaderValues.KEEP_ALIVE);
    private static final FullHttpResponse HELLO_CLOSE = response(OK, "Hello, World!", HttpHeaderValues.CLOSE);
    private static final FullHttpResponse MALFORMED = response(BAD_REQUEST, "", HttpHeaderValues.CLOSE);

    public static void main(String[] args) throws InterruptedException {
        String transport = args.length > 2 ? args[2] : "epoll";
        if (args.length < 1 || args.length > 3 || !transport.matches("nio|epoll")) {
            System.err.println("usage: SingleNetty PORT [LOOPS] [nio|epoll]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        boolean epoll = transport.equals("epoll"); // newFactory() says why if the native library did not load
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(loops,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new Hello());
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            System.out.printf("single-process Netty (%s, %d event loops) on 127.0.0.1:%d%n", transport, loops, port);
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** One per connection: answers each request as soon as its head is decoded, and ignores bodies. */
    private static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
        private boolean closing;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (closing) {
                return; // no request after one whose answer closes the connection (RFC 9112 §9.6)
            }
            if (msg.decoderResult().isFailure()) {
                closing = true; // 400 to a broken head; a broken body's request has had its answer
                ctx.write(msg instanceof HttpRequest ? MALFORMED.retainedDuplicate() : Unpooled.EMPTY_BUFFER)
                        .addListener(ChannelFutureListener.CLOSE);
            } else if (msg instanceof HttpRequest request) {
                closing = !HttpUtil.isKeepAlive(request);
                if (closing) {
                    ctx.write(HELLO_CLOSE.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.write((request.protocolVersion().isKeepAliveDefault() ? HELLO : HELLO_1_0).retainedDuplicate());
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // once per read batch: the answers to pipelined requests leave in one write
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that resets its connection is routine under load, not worth a log line
        }
    }

    /** A response to share: each answer is a {@code retainedDuplicate()}, so its content is never freed. */
    private static FullHttpResponse response(HttpResponseStatus status, String body, CharSequence connection) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length());
        if (connection != null) {
            response.headers().set(HttpHeaderNames.CONNECTION, connection);
        }
        return response;
    }
}
