package dev.herd.handler.busy;

import dev.herd.time.MonotonicClock;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures how long each event loop waits for I/O, wrapping the transport's {@link IoHandler}.
 *
 * <p>A loop alternates between its I/O handler's {@code run} (select, then process the ready
 * keys) and its tasks. Netty's NIO handler reports the part of {@code run} it spent processing
 * keys when its context asks for it ({@link IoHandlerContext#shouldReportActiveIoTime()}); the
 * rest of {@code run} is the wait. So the wrapped handler always sees a context that asks, and
 * the wait is the duration of {@code run} minus what it reported. Everything else the loop's
 * thread does (tasks, the ready keys) is work.
 */
public final class BusyMeter implements IoHandlerFactory {
    private final IoHandlerFactory transport;
    private final Map<ThreadAwareExecutor, BusyTime> loops = new ConcurrentHashMap<>();

    public BusyMeter(IoHandlerFactory transport) {
        this.transport = transport;
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor loop) {
        BusyTime busy = new BusyTime(MonotonicClock.SYSTEM);
        loops.put(loop, busy);
        return new Metered(transport.newHandler(loop), busy);
    }

    @Override
    public boolean isChangingThreadSupported() {
        return transport.isChangingThreadSupported();
    }

    /** The busy time of {@code loop}, one of the loops built with this factory. */
    public BusyTime of(ThreadAwareExecutor loop) {
        BusyTime busy = loops.get(loop);
        if (busy == null) {
            throw new IllegalArgumentException(loop + " was not built with this meter");
        }
        return busy;
    }

    private static final class Metered implements IoHandler {
        private final IoHandler transport;
        private final BusyTime busy;
        private final Reporting context = new Reporting();

        Metered(IoHandler transport, BusyTime busy) {
            this.transport = transport;
            this.busy = busy;
        }

        @Override
        public void initialize() {
            busy.start(System.nanoTime());
            transport.initialize();
        }

        @Override
        public int run(IoHandlerContext loop) {
            context.loop = loop;
            context.active = 0;
            long start = System.nanoTime();
            int handled = transport.run(context);
            busy.waited(Math.max(0, System.nanoTime() - start - context.active));
            return handled;
        }

        @Override
        public void prepareToDestroy() {
            transport.prepareToDestroy();
        }

        @Override
        public void destroy() {
            transport.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return transport.register(handle);
        }

        @Override
        public void wakeup() {
            transport.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return transport.isCompatible(handleType);
        }
    }

    /** The loop's context, always asking for the active time, and passing it on if the loop asks too. */
    private static final class Reporting implements IoHandlerContext {
        IoHandlerContext loop;
        long active;

        @Override
        public boolean canBlock() {
            return loop.canBlock();
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return loop.delayNanos(currentTimeNanos);
        }

        @Override
        public long deadlineNanos() {
            return loop.deadlineNanos();
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return true;
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            active += activeNanos;
            if (loop.shouldReportActiveIoTime()) {
                loop.reportActiveIoTime(activeNanos);
            }
        }
    }
}
