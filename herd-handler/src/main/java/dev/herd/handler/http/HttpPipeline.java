package dev.herd.handler.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

import java.time.Duration;

/**
 * The HTTP/1.1 pipeline of an accepted connection, in order:
 * <ol>
 *   <li>{@code codec}: {@link HttpServerCodec} with the request-line and header limits;</li>
 *   <li>{@code limits}: {@link KeepAliveLimits}: ends a keep-alive connection after a response when
 *       it has served its requests or its time, or when its loop holds more than its fair share;</li>
 *   <li>{@code exchange}: {@link HttpExchangeHandler}: requests become calls of the
 *       {@link HttpService}, bodies whole (413 past the limit, chunked too) or streamed, responses
 *       framed and kept in order.</li>
 * </ol>
 */
public record HttpPipeline(HttpService service, int maxInitialLine, int maxHeaderSize, long maxBody,
                           KeepAlive keepAlive) {

    /**
     * How long keep-alive connections live.
     *
     * @param idleTimeout a connection silent this long between requests is closed
     *                    ({@code --keepalive-timeout})
     * @param maxRequests the Nth response ends the connection; 0: no limit ({@code --keepalive-requests})
     * @param maxAge      the first response after this age ends the connection; zero: no limit
     *                    ({@code --max-connection-age})
     */
    public record KeepAlive(Duration idleTimeout, long maxRequests, Duration maxAge) {
        /** Only the idle timeout: connections live as long as their clients keep them busy. */
        public static KeepAlive idleTimeout(Duration idleTimeout) {
            return new KeepAlive(idleTimeout, 0, Duration.ZERO);
        }
    }

    public void configure(Channel channel, ServingLoop loop) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderSize);
        channel.pipeline()
                .addLast("codec", new HttpServerCodec(decoder))
                .addLast("limits", new KeepAliveLimits(keepAlive.maxRequests(), keepAlive.maxAge(), loop))
                .addLast("exchange", new HttpExchangeHandler(service, loop, maxBody, keepAlive.idleTimeout()));
    }
}
