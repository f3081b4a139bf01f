package dev.herd.handler.http;

import dev.herd.handler.api.HttpApp;
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
 *   <li>{@code aggregator}: {@link BodyAggregator}, whole bodies up to the body limit (413 past
 *       it, for chunked bodies too, answered in request order by the exchange handler);</li>
 *   <li>{@code exchange}: {@link HttpExchangeHandler}, the application and keep-alive.</li>
 * </ol>
 */
public record HttpPipeline(HttpApp app, int maxInitialLine, int maxHeaderSize, int maxBody, Duration keepAlive) {

    public void configure(Channel channel, ServingLoop loop) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderSize);
        channel.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, keepAlive.toMillis(), TimeUnit.MILLISECONDS))
                .addLast("codec", new HttpServerCodec(decoder))
                .addLast("aggregator", new BodyAggregator(maxBody))
                .addLast("exchange", new HttpExchangeHandler(app, loop));
    }
}
