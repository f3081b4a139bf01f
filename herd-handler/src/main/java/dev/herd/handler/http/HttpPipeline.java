package dev.herd.handler.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 pipeline of an accepted connection, in order:
 * <ol>
 *   <li>{@code idle}: {@link IdleStateHandler}, fires when the connection has been silent for the
 *       keep-alive timeout (the exchange handler closes it if no request is in flight);</li>
 *   <li>{@code codec}: {@link HttpServerCodec} with the request-line and header limits;</li>
 *   <li>{@code exchange}: {@link HttpExchangeHandler}: requests become calls of the
 *       {@link HttpService}, bodies whole (413 past the limit, chunked too) or streamed, responses
 *       framed and kept in order.</li>
 * </ol>
 */
public record HttpPipeline(HttpService service, int maxInitialLine, int maxHeaderSize, long maxBody,
                           Duration keepAlive) {

    public void configure(Channel channel, ServingLoop loop) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderSize);
        channel.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, keepAlive.toMillis(), TimeUnit.MILLISECONDS))
                .addLast("codec", new HttpServerCodec(decoder))
                .addLast("exchange", new HttpExchangeHandler(service, loop, maxBody));
    }
}
