package dev.herd.handler.tcp;

import dev.herd.api.TcpApp;
import dev.herd.api.TcpConnection;
import dev.herd.handler.Drain;
import dev.herd.handler.bridge.OutboundStream;
import dev.herd.handler.bridge.WaterMarks;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A {@link TcpApp}'s connection on an {@link EmbeddedChannel}: its virtual thread is real, its
 * event loop is the test thread, which runs what the virtual thread posts ({@link LoopFixture}).
 */
class BlockingConnectionHandlerTest {
    private static final WaterMarks ROOMY = new WaterMarks(64 * 1024, 16 * 1024);
    private final LoopFixture loop = new LoopFixture();
    private final ClassLoader appLoader = new ClassLoader("test-app", getClass().getClassLoader()) {
    };

    @AfterEach
    void close() {
        loop.close();
    }

    /** Echoes each read back at once; after a read while draining, it ends the connection. */
    private static final TcpApp ECHO = c -> {
        byte[] buffer = new byte[1024];
        int n;
        while ((n = c.input().read(buffer)) > 0) {
            String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            if (text.contains("boom")) {
                throw new IllegalStateException("the application failed on purpose");
            }
            c.output().write(buffer, 0, n);
            c.output().flush();
            if (c.draining()) {
                return;
            }
        }
        c.output().write("bye".getBytes(StandardCharsets.ISO_8859_1));
    };

    private EmbeddedChannel channel(TcpApp app, WaterMarks input, WaterMarks output) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new BlockingConnectionHandler(app, appLoader, loop.serving(ch), loop.loopTasks, input,
                output));
        return ch;
    }

    @Test
    void bytesInAreEchoedOutAndTheClientsEndOfInputReadsAsMinusOne() {
        EmbeddedChannel ch = channel(ECHO, ROOMY, ROOMY);

        ch.writeInbound(LoopFixture.ascii("hello"));
        assertThat(loop.pumpUntilOutput(ch, "hello")).isEqualTo("hello");
        ch.writeInbound(LoopFixture.ascii(" again"));
        assertThat(loop.pumpUntilOutput(ch, " again")).isEqualTo(" again");

        // The client shuts down its side: read returns -1, and the application can still answer.
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(loop.pumpUntilOutput(ch, "bye")).isEqualTo("bye");
        loop.pumpUntil(ch, "the connection closed after serve returned", () -> !ch.isOpen());
        loop.pumpUntil(ch, "no turn in flight", () -> loop.snapshot().inFlight() == 0);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aThreadWaitingForItsClientIsIdleAndOneWorkingIsBusy() throws Exception {
        BlockingQueue<String> steps = new LinkedBlockingQueue<>();
        BlockingQueue<String> reached = new LinkedBlockingQueue<>();
        TcpApp app = c -> {
            byte[] buffer = new byte[16];
            while (c.input().read(buffer) > 0) {
                reached.add("read");
                steps.take(); // "working" until the test says otherwise
            }
        };
        EmbeddedChannel ch = channel(app, ROOMY, ROOMY);

        loop.pumpUntil(ch, "serve waiting for its first bytes", () -> loop.snapshot().inFlight() == 0);
        assertThat(loop.snapshot().requests()).isEqualTo(1);

        ch.writeInbound(LoopFixture.ascii("x"));
        assertThat(loop.snapshot().inFlight()).as("in flight from the moment bytes arrive").isEqualTo(1);
        assertThat(reached.take()).isEqualTo("read");
        loop.pump(ch);
        assertThat(loop.snapshot().inFlight()).as("still working").isEqualTo(1);

        steps.add("go on");
        loop.pumpUntil(ch, "back to waiting", () -> loop.snapshot().inFlight() == 0);
        assertThat(loop.snapshot().requests()).isEqualTo(2);

        loop.closeAndAwaitServeEnd(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void readingPausesAboveTheHighMarkAndResumesAtTheLowMark() throws Exception {
        BlockingQueue<Integer> reads = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> done = new LinkedBlockingQueue<>();
        TcpApp app = c -> {
            while (true) {
                int n = reads.take();
                done.add(c.input().readNBytes(n).length);
            }
        };
        EmbeddedChannel ch = channel(app, new WaterMarks(8, 4), ROOMY);
        StreamConnection connection = connection(ch);

        ch.writeInbound(LoopFixture.ascii("12345"));
        assertThat(ch.config().isAutoRead()).as("5 bytes buffered, high mark 8").isTrue();
        ch.writeInbound(LoopFixture.ascii("67890"));
        assertThat(ch.config().isAutoRead()).as("10 bytes buffered, high mark 8").isFalse();
        assertThat(connection.input().buffered()).isEqualTo(10);

        reads.add(5);
        assertThat(done.take()).isEqualTo(5);
        loop.pump(ch);
        assertThat(ch.config().isAutoRead()).as("5 bytes buffered, low mark 4").isFalse();

        reads.add(1);
        assertThat(done.take()).isEqualTo(1);
        loop.pumpUntil(ch, "reading resumed at the low mark", () -> ch.config().isAutoRead());
        assertThat(connection.input().buffered()).isEqualTo(4);

        ch.close();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aWriterBlocksWhileTooManyBytesAreOnTheirWayAndGoesOnOnceTheyLeft() throws Exception {
        AtomicReference<Thread> writer = new AtomicReference<>();
        BlockingQueue<String> progress = new LinkedBlockingQueue<>();
        TcpApp app = c -> {
            writer.set(Thread.currentThread());
            c.output().write("0123456789".getBytes(StandardCharsets.ISO_8859_1));
            c.output().flush();
            progress.add("first flushed");
            c.output().write("abcdefghij".getBytes(StandardCharsets.ISO_8859_1));
            c.output().flush();
            progress.add("second flushed");
            c.input().read();
        };
        EmbeddedChannel ch = channel(app, ROOMY, new WaterMarks(16, 8));
        StreamConnection connection = connection(ch);

        // Nothing is pumped: the first 10 bytes stay on their way, and 10 more would pass the high mark (16).
        assertThat(progress.take()).isEqualTo("first flushed");
        awaitParked(writer);
        assertThat(progress).isEmpty();
        assertThat(connection.output().pending()).isEqualTo(10);

        loop.pump(ch);
        assertThat(progress.take()).isEqualTo("second flushed");
        assertThat(loop.pumpUntilOutput(ch, "0123456789abcdefghij")).isEqualTo("0123456789abcdefghij");
        assertThat(connection.output().pending()).isZero();

        ch.close();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anExceptionClosesItsConnectionOnly() {
        EmbeddedChannel failing = channel(ECHO, ROOMY, ROOMY);
        EmbeddedChannel other = channel(ECHO, ROOMY, ROOMY);

        failing.writeInbound(LoopFixture.ascii("boom"));
        loop.pumpUntil(failing, "the failing connection closed", () -> !failing.isOpen());

        other.writeInbound(LoopFixture.ascii("still here"));
        assertThat(loop.pumpUntilOutput(other, "still here")).isEqualTo("still here");
        assertThat(other.isOpen()).isTrue();

        assertThat(LoopFixture.readOutbound(failing)).isEmpty();
        assertFalse(failing.finishAndReleaseAll());
        other.close();
        assertFalse(other.finishAndReleaseAll());
    }

    @Test
    void theDrainEventReachesTheApplication() {
        EmbeddedChannel ch = channel(ECHO, ROOMY, ROOMY);
        TcpConnection connection = connection(ch);

        ch.writeInbound(LoopFixture.ascii("a"));
        assertThat(loop.pumpUntilOutput(ch, "a")).isEqualTo("a");
        assertThat(connection.draining()).isFalse();

        ch.pipeline().fireUserEventTriggered(Drain.INSTANCE);
        assertThat(connection.draining()).isTrue();
        ch.writeInbound(LoopFixture.ascii("b"));
        assertThat(loop.pumpUntilOutput(ch, "b")).as("the message in progress is answered").isEqualTo("b");
        loop.pumpUntil(ch, "the application ended the connection", () -> !ch.isOpen());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aConnectionOpenedWhileDrainingKnowsAtOnce() {
        loop.draining = true;
        EmbeddedChannel ch = channel(ECHO, ROOMY, ROOMY);
        assertThat(connection(ch).draining()).isTrue();
        ch.close();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void serveRunsWithTheApplicationsClassLoader() throws Exception {
        BlockingQueue<ClassLoader> seen = new LinkedBlockingQueue<>();
        EmbeddedChannel ch = channel(c -> seen.add(Thread.currentThread().getContextClassLoader()), ROOMY, ROOMY);
        assertThat(seen.take()).isSameAs(appLoader);
        loop.pumpUntil(ch, "closed when serve returned", () -> !ch.isOpen());
        assertThat(LoopFixture.readOutbound(ch)).isEmpty();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aClientThatHangsUpEndsTheInputOfABlockedRead() throws Exception {
        BlockingQueue<Integer> results = new LinkedBlockingQueue<>();
        EmbeddedChannel ch = channel(c -> results.add(c.input().read()), ROOMY, ROOMY);
        loop.pumpUntil(ch, "serve waiting for input", () -> loop.snapshot().inFlight() == 0);
        loop.closeAndAwaitServeEnd(ch);
        assertThat(results.take()).isEqualTo(-1);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void writesAfterTheConnectionClosedFail() throws Exception {
        BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
        BlockingQueue<String> go = new LinkedBlockingQueue<>();
        EmbeddedChannel ch = channel(c -> {
            go.take();
            try {
                c.output().write(1);
                c.output().flush();
            } catch (IOException e) {
                failures.add(e);
            }
        }, ROOMY, ROOMY);
        ch.close();
        go.add("write");
        assertThat(failures.take()).hasMessageContaining("connection closed");
        assertFalse(ch.finishAndReleaseAll());
    }

    private static StreamConnection connection(EmbeddedChannel ch) {
        return ch.pipeline().get(BlockingConnectionHandler.class).connection();
    }

    /** Waits until {@code thread} is parked inside the output stream's wait for the loop. */
    private static void awaitParked(AtomicReference<Thread> thread) {
        long deadline = System.nanoTime() + LoopFixture.TIMEOUT.toNanos();
        while (!parkedInOutput(thread.get())) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the writer never blocked");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static boolean parkedInOutput(Thread thread) {
        return thread != null && thread.getState() == Thread.State.WAITING
                && Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getClassName().equals(OutboundStream.class.getName()));
    }
}
