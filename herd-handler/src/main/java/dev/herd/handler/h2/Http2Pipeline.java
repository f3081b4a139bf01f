package dev.herd.handler.h2;

import dev.herd.handler.http.HttpPipeline;
import dev.herd.handler.http.ServingLoop;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2MultiplexCodec;
import io.netty.handler.codec.http2.Http2MultiplexCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

import java.time.Duration;

/**
 * An HTTP/2 connection (RFC 9113), negotiated by ALPN over TLS or opened by prior knowledge in
 * cleartext: Netty's frame codec, whose streams each become a child channel carrying one request
 * through the same stages as an HTTP/1.1 connection ({@link HttpPipeline#configureStream}), so that
 * the applications, limits and rules are the same.
 *
 * <p>What one connection may ask is bounded: open streams ({@code --h2-max-streams}), the header
 * list ({@code --max-header-size}; past it 431, well past it the connection ends), frames of the
 * protocol's least maximum size. The known floods end the connection with GOAWAY: streams reset
 * faster than 200 in 30 s (rapid reset, CVE-2023-44487), header blocks split into many small
 * CONTINUATION frames (CVE-2024-27316), SETTINGS and PING frames sent faster than their
 * acknowledgements are read (a bounded queue of control frames), empty DATA frames. The
 * {@link ConnectionWatch} closes idle connections and those whose client stops reading.
 *
 * @param http          the HTTP/1.1 pipeline whose stages each stream runs
 * @param maxStreams    streams open at once on one connection
 * @param idleTimeout   a connection without streams this long is closed ({@code --keepalive-timeout})
 * @param stallTimeout  a connection whose client lets it send nothing this long, with responses waiting
 *                      for flow-control window, is closed ({@code --body-timeout})
 * @param graceful      how long open streams may take to finish once the connection is told to end
 */
public record Http2Pipeline(HttpPipeline http, int maxStreams, Duration idleTimeout, Duration stallTimeout,
                            Duration graceful) {
    /** Stream resets a client may cause in {@link #RESET_WINDOW_SECONDS}; more end the connection. */
    static final int MAX_RESETS = 200;
    static final int RESET_WINDOW_SECONDS = 30;
    /** Control frames (SETTINGS and PING acknowledgements, resets) queued for a client that does not read them. */
    static final int MAX_QUEUED_CONTROL_FRAMES = 1000;
    /** CONTINUATION frames smaller than Netty's threshold in one header block. */
    static final int MAX_SMALL_CONTINUATIONS = 16;
    /** DATA frames without data in a row. */
    static final int MAX_EMPTY_DATA_FRAMES = 2;

    /**
     * Adds the connection's stages after those already in {@code pipeline}.
     *
     * <p>Netty's multiplex codec, not the frame codec with its newer multiplex handler: the handler
     * tells server from client by the connection's parent channel, and herd's connections are
     * accepted without one (the loops accept from the shared socket themselves), which made it
     * treat stream 1 as a client's upgrade. The codec asks its connection, which knows.
     */
    @SuppressWarnings("deprecation")
    public void configure(ChannelPipeline pipeline, ServingLoop loop) {
        Http2MultiplexCodec codec = Http2MultiplexCodecBuilder.forServer(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        ChannelPipeline streamPipeline = stream.pipeline()
                                .addLast("codec", new Http2StreamFrameToHttpObjectCodec(true, false))
                                .addLast("head", new StreamHead(http.maxInitialLine(), http.maxHeaders()));
                        http.configureStream(streamPipeline, loop);
                    }
                })
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(maxStreams)
                        .maxHeaderListSize(http.maxHeaderSize()))
                .gracefulShutdownTimeoutMillis(graceful.toMillis())
                .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS, RESET_WINDOW_SECONDS)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_EMPTY_DATA_FRAMES)
                .validateHeaders(true)
                .build();
        pipeline.addLast("h2", codec).addLast("h2-watch", new ConnectionWatch(codec, loop, idleTimeout, stallTimeout));
    }
}
