package dev.herd.handler.tcp;

import dev.herd.api.AsyncTcpApp;
import dev.herd.api.TcpHandler;
import dev.herd.handler.Drain;
import dev.herd.handler.http.ServingLoop;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The only handler of an {@link AsyncTcpApp}'s connection: it calls {@link AsyncTcpApp#open} when
 * the connection opens, then the returned {@link TcpHandler}'s callbacks, on this loop, with the
 * application's class loader as the thread's context loader. A callback that throws is logged
 * with its stack trace and closes its connection only.
 *
 * <p>Backpressure: while the channel is not writable (the client does not read what it is sent),
 * the socket is not read either, so a client that pipelines requests without reading the answers
 * is slowed down by TCP instead of filling the handler's memory. An application that writes on its
 * own (a push) checks {@link dev.herd.api.TcpChannel#writable()}.
 *
 * <p>The channel must allow half-closure ({@code ChannelOption.ALLOW_HALF_CLOSURE}): when the
 * client shuts down its side, what the application wrote until then is sent before the close.
 *
 * <p>Scoreboard: one request is one callback (open, data, drain, close, or a task of
 * {@code TcpChannel.executor()}), in flight while it runs: a loop is busy while it runs
 * application code, as for an HTTP application on the event loop.
 */
final class CallbackConnectionHandler extends ConnectionHandler {
    private static final System.Logger LOG = System.getLogger(CallbackConnectionHandler.class.getName());

    private final AsyncTcpApp app;
    private final ClassLoader loader;
    private final ServingLoop serving;
    private CallbackChannel channel;
    private TcpHandler handler;
    /** A callback threw: the connection is closing, the application hears only onClose. */
    private boolean failed;
    private boolean drainTold;

    CallbackConnectionHandler(AsyncTcpApp app, ClassLoader loader, ServingLoop serving) {
        this.app = app;
        this.loader = loader;
        this.serving = serving;
    }

    @FunctionalInterface
    private interface Callback {
        void run() throws Exception;
    }

    @Override
    void start(ChannelHandlerContext ctx) {
        channel = new CallbackChannel(ctx, serving.handler(),
                task -> ctx.executor().execute(() -> call(ctx, "a task", task::run)));
        call(ctx, "open", () -> {
            handler = app.open(channel);
            if (handler == null) {
                throw new IllegalStateException("open returned no TcpHandler");
            }
        });
        if (serving.draining()) {
            drain(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf bytes && live()) {
                call(ctx, "onData", () -> handler.onData(bytes.nioBuffer()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Drain.INSTANCE) {
            drain(ctx);
        } else if (evt instanceof ChannelInputShutdownEvent && channel != null) {
            // The client sent all it will: the answers written so far still go out, then the connection ends.
            channel.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (channel != null) {
            channel.connectionClosed();
        }
        if (handler != null) {
            failed = true;
            call(ctx, "onClose", handler::onClose);
        }
        ctx.fireChannelInactive();
    }

    private void drain(ChannelHandlerContext ctx) {
        if (!drainTold && live()) {
            drainTold = true;
            call(ctx, "onDrain", handler::onDrain);
        }
    }

    private boolean live() {
        return handler != null && !failed;
    }

    private void call(ChannelHandlerContext ctx, String what, Callback callback) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        serving.counters().requestStarted();
        try {
            callback.run();
        } catch (Throwable e) {
            // Whatever the application throws (errors included) ends its connection only.
            boolean wasFailed = failed;
            failed = true;
            LOG.log(System.Logger.Level.ERROR, "application " + app.getClass().getName() + " failed in " + what
                    + " on connection from " + ctx.channel().remoteAddress() + (wasFailed ? "" : ": closing it"), e);
            ctx.close();
        } finally {
            serving.counters().requestFinished();
            thread.setContextClassLoader(previous);
        }
    }
}
