package dev.herd.handler.tcp;

import dev.herd.api.TcpApp;
import dev.herd.handler.Drain;
import dev.herd.handler.bridge.InboundStream;
import dev.herd.handler.bridge.OutboundStream;
import dev.herd.handler.bridge.WaterMarks;
import dev.herd.handler.http.ServingLoop;
import dev.herd.scoreboard.Scoreboard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The only handler of a {@link TcpApp}'s connection: it runs {@link TcpApp#serve} on a virtual
 * thread of its own, feeds what the socket reads into the connection's input stream, pauses
 * reading while that stream holds more than its high mark, and ends the connection when
 * {@code serve} returns (after what it wrote is sent) or throws (at once, the exception logged
 * with its stack trace; other connections are not affected).
 *
 * <p>The channel must allow half-closure ({@code ChannelOption.ALLOW_HALF_CLOSURE}): a client that
 * shuts down its side reads as the end of the input stream, and the application can still answer.
 *
 * <p>Scoreboard: one request is one <em>turn</em> of the serving thread, so a thread waiting for
 * its client is idle, and one working on what arrived is busy. A turn begins when bytes arrive for
 * a thread that was waiting for them (or when {@code serve} starts) and ends when the thread waits
 * for input again (or {@code serve} ends); the input stream tells ({@link Turns}).
 *
 * <p>Draining: {@link dev.herd.api.TcpConnection#draining()} says so from the drain on, and a
 * thread that waits for input with nothing coming is not left waiting until
 * {@code --graceful-timeout}: once it has waited a whole {@link Drain#GRACE} with nothing
 * arriving (its client may be sending the next message right now), its {@code read} returns -1,
 * the end of the input at a message boundary, and {@code serve} returns as it does when a client
 * hangs up. A thread at work is left alone: it sees {@code draining()} itself, and gets the same
 * grace when it waits again.
 */
final class BlockingConnectionHandler extends ConnectionHandler {
    private static final System.Logger LOG = System.getLogger(BlockingConnectionHandler.class.getName());

    private final TcpApp app;
    private final ClassLoader loader;
    private final ServingLoop serving;
    private final LoopTasks loop;
    private final WaterMarks inputMarks;
    private final WaterMarks outputMarks;
    private StreamConnection connection;
    private boolean drainWatched;

    BlockingConnectionHandler(TcpApp app, ClassLoader loader, ServingLoop serving, LoopTasks loop,
                              WaterMarks inputMarks, WaterMarks outputMarks) {
        this.app = app;
        this.loader = loader;
        this.serving = serving;
        this.loop = loop;
        this.inputMarks = inputMarks;
        this.outputMarks = outputMarks;
    }

    @Override
    void start(ChannelHandlerContext ctx) {
        Scoreboard.LoopWriter counters = serving.counters();
        OutboundStream output = new OutboundStream(new ChannelSink(ctx, loop), outputMarks);
        ConnectionInput input = new ConnectionInput(inputMarks, () -> loop.post(() -> resumeReading(ctx)),
                new Turns(counters, loop), output);
        connection = new StreamConnection(input, output, ctx.channel().remoteAddress(), ctx.channel().localAddress(),
                serving.handler());
        // The first turn: serve runs (a greeting, say) until it first waits for input.
        counters.requestStarted();
        if (serving.draining()) {
            drain(ctx);
        }
        Thread.ofVirtual().name("tcp " + connection.remoteAddress()).start(() -> serve(ctx));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || connection == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (connection.input().offer(bytes)) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (connection != null) {
            if (evt == Drain.INSTANCE) {
                drain(ctx);
            } else if (evt instanceof ChannelInputShutdownEvent) {
                connection.input().end();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.input().discard();
            connection.output().connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    /** Reads the socket again, unless bytes came since the input asked for it and paused it again. */
    private void resumeReading(ChannelHandlerContext ctx) {
        if (!connection.input().paused()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void drain(ChannelHandlerContext ctx) {
        connection.drain();
        if (!drainWatched) {
            drainWatched = true;
            endIdleInputAfterGrace(ctx, connection.input().idleMark());
        }
    }

    /**
     * In a grace, ends the input if its thread has waited for it since {@code mark} with nothing
     * arriving; else looks again a grace later, from what the thread does then. Runs on the loop
     * until the input is over.
     */
    private void endIdleInputAfterGrace(ChannelHandlerContext ctx, long mark) {
        ctx.executor().schedule(() -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            ConnectionInput input = connection.input();
            if (input.endIfIdleSince(mark)) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: draining, and nothing came for a waiting thread: input ended",
                        connection);
            } else {
                endIdleInputAfterGrace(ctx, input.idleMark());
            }
        }, Drain.GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The connection being served; null until the channel is active (for tests). */
    StreamConnection connection() {
        return connection;
    }

    /** Runs on the connection's virtual thread. */
    private void serve(ChannelHandlerContext ctx) {
        Thread.currentThread().setContextClassLoader(loader);
        Throwable failure = null;
        try {
            app.serve(connection);
        } catch (Throwable e) {
            // Whatever the application throws (errors included) ends its connection only.
            failure = e;
        }
        if (failure == null) {
            try {
                connection.output().close();
            } catch (IOException clientGone) {
                loop.post(ctx::close);
            }
        } else {
            if (failure instanceof IOException && !ctx.channel().isActive()) {
                // The client hung up (or the drain deadline passed) while serve was writing: no bug of the application.
                LOG.log(System.Logger.Level.DEBUG, "{0}: serve ended with {1} after the connection closed",
                        connection, failure);
            } else {
                LOG.log(System.Logger.Level.ERROR, "application " + app.getClass().getName() + " failed on "
                        + connection + ": closing it", failure);
            }
            loop.post(ctx::close);
        }
        connection.input().stopReading();
    }

    /**
     * The serving thread's turns, counted on the loop's scoreboard counters, whose one writer is
     * the loop: a turn starts on the loop (bytes arrive there), and its end is sent to it.
     */
    private record Turns(Scoreboard.LoopWriter counters, LoopTasks loop) implements InboundStream.Listener {
        @Override
        public void waiting() {
            loop.post(counters::requestFinished);
        }

        @Override
        public void arrived() {
            counters.requestStarted();
        }
    }
}
