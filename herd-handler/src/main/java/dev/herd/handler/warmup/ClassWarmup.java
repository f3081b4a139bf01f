package dev.herd.handler.warmup;

import dev.herd.api.HandlerContext;
import dev.herd.handler.Drain;
import dev.herd.handler.busy.BusyTime;
import dev.herd.handler.http.HttpPipeline;
import dev.herd.handler.http.ServingLoop;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.time.MonotonicClock;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs herd's own request path once at boot, before the handler accepts: a few requests through
 * the real pipeline on an {@link EmbeddedChannel}, answered by an application of herd's own
 * (never the user's: a made-up request could write to their database).
 *
 * <p>Why: a class is loaded when first used, and loading one may need a file descriptor (a class
 * file to open). A handler whose first connections come while descriptors are exhausted (EMFILE)
 * would otherwise fail to load its serving classes, and the JVM remembers such a failure: every
 * later request on that handler would fail too.
 */
public final class ClassWarmup {
    private static final List<String> REQUESTS = java.util.stream.Stream.concat(WarmApp.KEPT.stream(),
            java.util.stream.Stream.of(WarmApp.CLOSING, "GET /warm HTTP/1.0\r\n\r\n", "BAD\r\n\r\n")).toList();

    private ClassWarmup() {
    }

    /** Serves the warm-up requests; what the pipeline does with them stays inside this method. */
    public static void run(HttpPipeline production, HandlerContext context) {
        HttpPipeline pipeline = WarmApp.pipelineLike(production);
        Scoreboard board = Scoreboard.scratch(1, 1);
        try {
            Scoreboard.SlotWriter slot = board.writer(0, 1);
            slot.begin(context.pid(), context.generation(), System.nanoTime());
            for (String request : REQUESTS) {
                EmbeddedChannel channel = new EmbeddedChannel();
                pipeline.configure(channel, new ServingLoop(channel.eventLoop(), slot.loop(0), context, () -> false,
                        new BusyTime(MonotonicClock.SYSTEM), () -> 0));
                channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
                channel.pipeline().fireUserEventTriggered(Drain.INSTANCE);
                channel.runPendingTasks();
                for (Object out; (out = channel.readOutbound()) != null; ) {
                    ReferenceCountUtil.release(out);
                }
                channel.finishAndReleaseAll();
            }
        } finally {
            board.close();
        }
    }
}
