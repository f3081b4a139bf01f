package dev.herd.handler.http;

import dev.herd.api.Dispatch;
import dev.herd.api.HandlerContext;
import dev.herd.api.HttpApp;
import dev.herd.api.Response;
import dev.herd.handler.Drain;
import dev.herd.handler.app.ApiHttpService;
import dev.herd.handler.app.BootFailure;
import dev.herd.handler.busy.BusyTime;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.time.MonotonicClock;
import io.netty.buffer.ByteBuf;
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
    private static final List<String> REQUESTS = List.of(
            "GET /warm?a=1&b=%20 HTTP/1.1\r\nHost: herd\r\n\r\n",
            "HEAD /warm HTTP/1.1\r\nHost: herd\r\n\r\n",
            "POST /warm HTTP/1.1\r\nHost: herd\r\nContent-Length: 4\r\n\r\nwarm",
            "POST /warm HTTP/1.1\r\nHost: herd\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwarm\r\n0\r\n\r\n",
            "GET /warm HTTP/1.0\r\n\r\n",
            "BAD\r\n\r\n");

    private ClassWarmup() {
    }

    /** Serves the warm-up requests; what the pipeline does with them stays inside this method. */
    public static void run(HttpPipeline production, HandlerContext context) {
        HttpApp warm = new WarmApp();
        HttpService service;
        try {
            service = ApiHttpService.of(warm, ClassWarmup.class.getClassLoader());
        } catch (BootFailure e) {
            throw new IllegalStateException(e);
        }
        HttpPipeline pipeline = new HttpPipeline(service, production.maxInitialLine(), production.maxHeaderSize(),
                production.maxBody(), production.keepAlive());
        Scoreboard board = Scoreboard.create(1, 1);
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

    /** Reads what an application reads, answers what it answers. */
    private static final class WarmApp implements HttpApp {
        private static final Response OK = Response.text("warm");

        @Override
        public Response handle(dev.herd.api.Request request) {
            request.query("a");
            request.headers().forEach(field -> { });
            request.header("Host");
            ByteBuf ignored = Unpooled.wrappedBuffer(request.body());
            ignored.release();
            return OK.withHeader("X-Warm", request.path());
        }

        @Override
        public Dispatch dispatch() {
            return Dispatch.EVENT_LOOP;
        }
    }
}
