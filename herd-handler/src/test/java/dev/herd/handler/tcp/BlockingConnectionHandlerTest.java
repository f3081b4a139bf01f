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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

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
        return channel(app, input, output, false);
    }

    /** @param frozen whether the channel's clock stands still until the test advances it */
    private EmbeddedChannel channel(TcpApp app, WaterMarks input, WaterMarks output, boolean frozen) {
        EmbeddedChannel ch = new EmbeddedChannel();
        if (frozen) {
            ch.freezeTime();
        }
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

    /**
     * What happens some time after the drain, and whether the connection is still open then.
     *
     * @param action "" (nothing), "send X" (the client sends X; the application echoes it and waits
     *               again), "busy X" (the client sends X; the application works on it until "done")
     */
    record DrainStep(long atMillis, String action, boolean open) {
    }

    /** @param before what the client sends before the drain (as a step's action) */
    record DrainCase(String name, boolean openedDraining, String before, List<DrainStep> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DrainCase> drainCases() {
        long grace = dev.herd.handler.Drain.GRACE.toMillis();
        return Stream.of(
                new DrainCase("a thread waiting with nothing coming reads the end of its input after the grace",
                        false, "", List.of(new DrainStep(grace - 1, "", true), new DrainStep(grace, "", false))),
                new DrainCase("a message within the grace is answered, and the grace starts again", false, "",
                        List.of(new DrainStep(grace / 2, "send a", true), new DrainStep(grace, "", true),
                                new DrainStep(2 * grace - 1, "", true), new DrainStep(2 * grace, "", false))),
                new DrainCase("a thread at work is left alone, and gets the grace once it waits again", false,
                        "busy x", List.of(new DrainStep(grace, "", true), new DrainStep(2 * grace, "", true),
                                new DrainStep(2 * grace + grace / 2, "done", true),
                                new DrainStep(3 * grace, "", true), new DrainStep(4 * grace - 1, "", true),
                                new DrainStep(4 * grace, "", false))),
                new DrainCase("a connection opened while the handler drains gets the grace too", true, "",
                        List.of(new DrainStep(grace, "", true), new DrainStep(2 * grace - 1, "", true),
                                new DrainStep(2 * grace, "", false))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drainCases")
    void aDrainEndsTheInputOfAThreadThatWaitsAWholeGraceWithNothingComing(DrainCase c) throws Exception {
        BlockingQueue<String> working = new LinkedBlockingQueue<>();
        BlockingQueue<String> done = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
        // An echo that never looks at draining(): only the end of its input ends it.
        TcpApp app = conn -> {
            byte[] buffer = new byte[64];
            int n;
            while ((n = conn.input().read(buffer)) > 0) {
                String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                if (text.startsWith("busy")) {
                    working.add(text);
                    done.take();
                }
                conn.output().write(buffer, 0, n);
                conn.output().flush();
            }
            ended.add(n);
        };
        loop.draining = c.openedDraining();
        EmbeddedChannel ch = channel(app, ROOMY, ROOMY, true);
        loop.pumpUntil(ch, "serve waiting for its first bytes", () -> loop.snapshot().inFlight() == 0);
        if (!c.before().isEmpty()) {
            act(ch, c.before(), working, done);
        }
        if (!c.openedDraining()) {
            ch.pipeline().fireUserEventTriggered(Drain.INSTANCE);
        }

        long now = 0;
        for (DrainStep step : c.steps()) {
            ch.advanceTimeBy(step.atMillis() - now, TimeUnit.MILLISECONDS);
            now = step.atMillis();
            loop.pump(ch);
            if (!step.action().isEmpty()) {
                act(ch, step.action(), working, done);
            }
            if (step.open()) {
                assertThat(ch.isOpen()).as("open at %d ms", now).isTrue();
                assertThat(ended).as("input still open at %d ms", now).isEmpty();
            } else {
                loop.pumpUntil(ch, "the connection closed at " + now + " ms", () -> !ch.isOpen());
                assertThat(ended.poll(LoopFixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                        .as("what the last read returned").isEqualTo(-1);
            }
        }
        loop.pumpUntil(ch, "no turn in flight", () -> loop.snapshot().inFlight() == 0);
        assertThat(LoopFixture.readOutbound(ch)).as("nothing written after the echoes").isEmpty();
        assertFalse(ch.finishAndReleaseAll());
    }

    /** What the client, or the application's work, does in a step; returns once the thread waits again or works. */
    private void act(EmbeddedChannel ch, String action, BlockingQueue<String> working, BlockingQueue<String> done)
            throws InterruptedException {
        String[] words = action.split(" ", 2);
        switch (words[0]) {
            case "send" -> {
                ch.writeInbound(LoopFixture.ascii(words[1]));
                assertThat(loop.pumpUntilOutput(ch, words[1])).isEqualTo(words[1]);
                loop.pumpUntil(ch, "waiting again", () -> loop.snapshot().inFlight() == 0);
            }
            case "busy" -> {
                ch.writeInbound(LoopFixture.ascii(action));
                assertThat(working.poll(LoopFixture.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(action);
            }
            case "done" -> {
                done.add("go on");
                loop.pumpUntilOutput(ch, "busy x");
                loop.pumpUntil(ch, "waiting again", () -> loop.snapshot().inFlight() == 0);
            }
            default -> throw new IllegalArgumentException(action);
        }
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
