package dev.herd.handler.http;

import dev.herd.config.Settings;
import dev.herd.handler.http.rules.RequestRule;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The HTTP/1.1 pipeline of an accepted connection, in order:
 * <ol>
 *   <li>{@code codec}: {@link RequestCodec}, Netty's HTTP/1.1 codec with the request-line and
 *       header limits (size and count) and the raw syntax checks of the request head;</li>
 *   <li>the {@link RequestRule}s, one stage each: version, Host, request target, framing;</li>
 *   <li>{@code limits}: {@link KeepAliveLimits}: ends a keep-alive connection after a response when
 *       it has served its requests or its time, or when its loop holds more than its fair share;</li>
 *   <li>{@code exchange}: {@link HttpExchangeHandler}: requests become calls of the
 *       {@link HttpService}, bodies whole, received whole before the call, or streamed (413 past
 *       the limit, chunked too; 400 for a broken body), responses framed ({@link ResponseFraming})
 *       and kept in order.</li>
 * </ol>
 */
public record HttpPipeline(HttpService service, int maxInitialLine, int maxHeaderSize, int maxHeaders, long maxBody,
                           KeepAlive keepAlive, Deadlines deadlines, Buffering buffering) {

    /** With the default count of field lines ({@code --max-headers}) and request buffering. */
    public HttpPipeline(HttpService service, int maxInitialLine, int maxHeaderSize, long maxBody, KeepAlive keepAlive,
                        Deadlines deadlines) {
        this(service, maxInitialLine, maxHeaderSize, Settings.MAX_HEADERS.defaultValue(), maxBody, keepAlive, deadlines,
                Buffering.DEFAULT);
    }

    /** With the default count of field lines and deadlines. */
    public HttpPipeline(HttpService service, int maxInitialLine, int maxHeaderSize, long maxBody, KeepAlive keepAlive) {
        this(service, maxInitialLine, maxHeaderSize, maxBody, keepAlive, Deadlines.DEFAULT);
    }

    /**
     * How long a client may take to send a request: the whole head, from its first byte
     * ({@code --header-timeout}), and its body ({@link BodyPace}: the longest pause,
     * {@code --body-timeout}, and the slowest average, {@code --body-min-rate}).
     * Past either it gets 408 and the connection closes: a slow client holds a connection for a
     * bounded time, and never delays anyone else (all of it is event-driven).
     */
    public record Deadlines(Duration head, BodyPace body) {
        /** The defaults of {@code --header-timeout}, {@code --body-timeout} and {@code --body-min-rate}. */
        public static final Deadlines DEFAULT = new Deadlines(Settings.HEADER_TIMEOUT.defaultValue(),
                Settings.BODY_TIMEOUT.defaultValue());

        /** With the default minimum rate of a body. */
        public Deadlines(Duration head, Duration bodyTimeout) {
            this(head, new BodyPace(bodyTimeout, Settings.BODY_MIN_RATE.defaultValue()));
        }
    }

    /**
     * Whether a body for code that may block ({@link HttpService.BodyMode#BUFFERED}) is received
     * whole before the call is made ({@code --request-buffering}), how much of one is kept in memory
     * ({@code --request-buffer-memory}) and of all of a handler's together ({@code shared}), and
     * where the rest goes: a temporary file in {@code directory}, unlinked at once.
     */
    public record Buffering(boolean on, long memory, Path directory, BodyMemory shared) {
        /** The defaults, spilling to the JVM's temporary directory. */
        public static final Buffering DEFAULT = new Buffering(Settings.REQUEST_BUFFERING.defaultValue(),
                Settings.REQUEST_BUFFER_MEMORY.defaultValue());

        /** Spilling to the JVM's temporary directory, all bodies together within a quarter of the heap. */
        public Buffering(boolean on, long memory) {
            this(on, memory, Path.of(System.getProperty("java.io.tmpdir")), BodyMemory.ofHeap());
        }
    }

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

    private static final RequestRule[] RULES = RequestRule.all();

    /** The same stages, limits and deadlines, serving {@code other}. */
    public HttpPipeline serving(HttpService other) {
        return new HttpPipeline(other, maxInitialLine, maxHeaderSize, maxHeaders, maxBody, keepAlive, deadlines, buffering);
    }

    /** A cleartext HTTP/1.1 connection. */
    public void configure(Channel channel, ServingLoop loop) {
        configure(channel.pipeline(), loop, false);
    }

    /**
     * An HTTP/1.1 connection, its stages added after those already in {@code pipeline} (TLS's).
     *
     * @param secure whether the connection is encrypted in the process: then a file's region is sent
     *               by reading it ({@link RegionChunks}), since the kernel cannot encrypt what it sends
     */
    public void configure(ChannelPipeline pipeline, ServingLoop loop, boolean secure) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderSize);
        pipeline.addLast("codec", new RequestCodec(decoder, maxHeaders, deadlines.head()));
        if (secure) {
            addRegionChunks(pipeline);
        }
        addRules(pipeline);
        pipeline.addLast("limits", new KeepAliveLimits(keepAlive.maxRequests(), keepAlive.maxAge(), loop));
        addExchange(pipeline, loop);
    }

    /**
     * An HTTP/2 stream, after the stage that turns its frames into HTTP/1.1 messages: the same rules
     * and exchange as a connection's, each stream one request. The connection's limits are the
     * HTTP/2 connection's own.
     */
    public void configureStream(ChannelPipeline pipeline, ServingLoop loop) {
        addRegionChunks(pipeline);
        addRules(pipeline);
        addExchange(pipeline, loop);
    }

    private static void addRegionChunks(ChannelPipeline pipeline) {
        pipeline.addLast("regions", REGION_CHUNKS);
    }

    private static void addRules(ChannelPipeline pipeline) {
        for (RequestRule rule : RULES) {
            pipeline.addLast(rule.getClass().getSimpleName(), rule);
        }
    }

    private void addExchange(ChannelPipeline pipeline, ServingLoop loop) {
        pipeline.addLast("exchange", new HttpExchangeHandler(service, loop, maxBody, keepAlive.idleTimeout(),
                deadlines.body(), buffering));
    }

    private static final RegionChunks REGION_CHUNKS = new RegionChunks();
}
