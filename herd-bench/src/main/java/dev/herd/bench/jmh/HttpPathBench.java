package dev.herd.bench.jmh;

import dev.herd.api.HandlerContext;
import dev.herd.handler.app.ApiHttpService;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.demo.DemoApp;
import dev.herd.handler.http.HttpPipeline;
import dev.herd.handler.http.ServingLoop;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.time.MonotonicClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP path of one request inside a handler, without sockets: request bytes in, through the
 * production pipeline ({@link HttpPipeline}: codec, keep-alive limits, exchange handler) and the
 * demo application, response bytes out, on an {@link EmbeddedChannel}.
 *
 * <ul>
 *   <li>{@link #keepAliveRequest}: the next request on a connection kept alive, the steady state
 *       of keep-alive load;</li>
 *   <li>{@link #connectionWithOneRequest}: a connection's whole life with one request — its
 *       pipeline built, the request served, the connection closed — as under
 *       one-connection-per-request load.</li>
 * </ul>
 *
 * <pre>bench/jmh.sh HttpPathBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class HttpPathBench {
    private static final byte[] KEEP_ALIVE = "GET / HTTP/1.1\r\nHost: herd\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CLOSE = "GET / HTTP/1.1\r\nHost: herd\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    /** {@code --keepalive-requests}: 0 for no limit. */
    @Param({"0", "1000"})
    public long keepAliveRequests;

    private Scoreboard board;
    private Scoreboard.SlotWriter slot;
    private HttpPipeline pipeline;
    private HandlerContext context;
    private EmbeddedChannel kept;
    /** The event loop's share of the state, one for every connection, as in a handler. */
    private ServingLoop loop;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        board = Scoreboard.scratch(1, 1);
        slot = board.writer(0, 1);
        context = new HandlerContext(ProcessHandle.current().pid(), 0, 1, List.of());
        slot.begin(context.pid(), 1, System.nanoTime());
        pipeline = new HttpPipeline(ApiHttpService.of(new DemoApp(), HttpPathBench.class.getClassLoader()),
                8192, 16384, 1024 * 1024,
                new HttpPipeline.KeepAlive(Duration.ofSeconds(15), keepAliveRequests, Duration.ZERO));
        EmbeddedChannel loopChannel = new EmbeddedChannel();
        loop = new ServingLoop(loopChannel.eventLoop(), slot.loop(0), context, () -> false,
                new BusyTime(MonotonicClock.SYSTEM), () -> 1);
        kept = connection();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kept.finishAndReleaseAll();
        board.close();
    }

    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel();
        pipeline.configure(channel, loop);
        return channel;
    }

    @Benchmark
    public long keepAliveRequest() {
        if (!kept.isActive()) {
            // The request limit closed it, as a client would see: the next request opens a new one.
            kept.finishAndReleaseAll();
            kept = connection();
        }
        return serve(kept, KEEP_ALIVE);
    }

    @Benchmark
    public long connectionWithOneRequest() {
        EmbeddedChannel channel = connection();
        long bytes = serve(channel, CLOSE);
        channel.finishAndReleaseAll();
        return bytes;
    }

    /** Writes the request, runs what it scheduled, and returns how many response bytes came out. */
    private static long serve(EmbeddedChannel channel, byte[] request) {
        channel.writeInbound(Unpooled.wrappedBuffer(request));
        channel.runPendingTasks();
        long bytes = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
            }
            ReferenceCountUtil.release(out);
        }
        if (bytes == 0) {
            throw new IllegalStateException("no response");
        }
        return bytes;
    }
}
