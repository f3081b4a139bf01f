package dev.herd.handler;

import dev.herd.handler.h2.Http2Pipeline;
import dev.herd.handler.h2.PriorKnowledge;
import dev.herd.handler.http.HttpPipeline;
import dev.herd.handler.http.ServingLoop;
import dev.herd.handler.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

import java.util.Optional;

/**
 * How an accepted HTTP connection is set up: TLS first if the address has it, then HTTP/2 or
 * HTTP/1.1, by ALPN over TLS ({@code --http2}) or by the client's first bytes in cleartext
 * ({@code --h2c}), and HTTP/1.1 alone otherwise.
 *
 * @param http  the HTTP/1.1 stages, which HTTP/2's streams run too
 * @param http2 the HTTP/2 connection's stages
 * @param tls   the handler's TLS, if the address has it
 * @param h2c   whether a cleartext connection may open with HTTP/2's preface
 */
public record HttpEntrance(HttpPipeline http, Http2Pipeline http2, Optional<ServerTls> tls, boolean h2c) {
    private static final System.Logger LOG = System.getLogger(HttpEntrance.class.getName());

    public void configure(Channel channel, ServingLoop loop) {
        if (tls.isPresent()) {
            channel.pipeline().addLast("tls", tls.get().newHandler())
                    .addLast("alpn", new Negotiation(loop));
        } else if (h2c) {
            channel.pipeline().addLast("preface", new PriorKnowledge(
                    ctx -> http2.configure(ctx.pipeline(), loop),
                    ctx -> http.configure(ctx.pipeline(), loop, false),
                    http.keepAlive().idleTimeout()));
        } else {
            http.configure(channel, loop);
        }
    }

    /** After the handshake: the protocol the client and herd agreed on, HTTP/1.1 when they named none. */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        private final ServingLoop loop;

        Negotiation(ServingLoop loop) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.loop = loop;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (protocol.equals(ApplicationProtocolNames.HTTP_2)) {
                http2.configure(ctx.pipeline(), loop);
            } else {
                http.configure(ctx.pipeline(), loop, true);
            }
        }

        /** A failed handshake is the client's affair (a scanner, an old client, plain HTTP): closed, not logged as a fault. */
        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "TLS handshake with {0} failed: {1}", ctx.channel().remoteAddress(),
                    cause.toString());
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "TLS connection {0}: {1}", ctx.channel().remoteAddress(),
                    cause instanceof DecoderException d && d.getCause() != null ? d.getCause().toString()
                            : cause.toString());
            ctx.close();
        }
    }
}
