package dev.herd.handler.tcp;

import dev.herd.api.AsyncTcpApp;
import dev.herd.api.HandlerContext;
import dev.herd.api.TcpChannel;
import dev.herd.api.TcpHandler;
import dev.herd.handler.Drain;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** An {@link AsyncTcpApp}'s connection, wired by {@link TcpPipeline#configure}, on an {@link EmbeddedChannel}. */
class CallbackConnectionHandlerTest {
    private final LoopFixture loop = new LoopFixture();
    private final ClassLoader appLoader = new ClassLoader("test-app", getClass().getClassLoader()) {
    };
    /** What the application saw, in order: "open", "data:...", "drain", "close", "loader:ok"... */
    private final List<String> events = new ArrayList<>();
    private final List<TcpChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        loop.close();
    }

    /**
     * Echoes what it receives; "later" is written without a flush, "flush" flushes, "boom" throws,
     * "big" queues 70 KB without flushing; on drain it says "bye" and closes.
     */
    private final AsyncTcpApp app = channel -> {
        events.add("open");
        channels.add(channel);
        return new TcpHandler() {
            @Override
            public void onData(ByteBuffer data) {
                events.add(Thread.currentThread().getContextClassLoader() == appLoader ? "loader:ok" : "loader:wrong");
                String text = StandardCharsets.ISO_8859_1.decode(data).toString();
                events.add("data:" + text);
                switch (text) {
                    case "boom" -> throw new IllegalStateException("the application failed on purpose");
                    case "later" -> channel.write("later".getBytes(StandardCharsets.ISO_8859_1));
                    case "flush" -> channel.flush();
                    case "big" -> channel.write(new byte[70 * 1024]);
                    default -> {
                        channel.write(text.getBytes(StandardCharsets.ISO_8859_1));
                        channel.flush();
                    }
                }
            }

            @Override
            public void onDrain() {
                events.add("drain");
                channel.write("bye".getBytes(StandardCharsets.ISO_8859_1));
                channel.close();
            }

            @Override
            public void onClose() {
                events.add("close");
            }
        };
    };

    private EmbeddedChannel channel(AsyncTcpApp application) {
        EmbeddedChannel ch = new EmbeddedChannel();
        new TcpPipeline(application, appLoader, new HandlerContext(LoopFixture.PID, 0, 1, List.of()))
                .configure(ch, loop.serving(ch));
        return ch;
    }

    @Test
    void bytesInAreEchoedOutOnTheLoopWithTheApplicationsLoader() {
        EmbeddedChannel ch = channel(app);

        ch.writeInbound(LoopFixture.ascii("hello"));

        assertThat(LoopFixture.readOutbound(ch)).isEqualTo("hello");
        assertThat(events).containsExactly("open", "loader:ok", "data:hello");
        assertThat(loop.snapshot().requests()).as("open and one onData").isEqualTo(2);
        assertThat(loop.snapshot().inFlight()).isZero();
        ch.close();
        assertThat(events).endsWith("close");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void writesGatherUntilAFlushAndLeaveAsOneBuffer() {
        EmbeddedChannel ch = channel(app);

        ch.writeInbound(LoopFixture.ascii("later"));
        ch.writeInbound(LoopFixture.ascii("later"));
        assertThat(ch.<Object>readOutbound()).isNull();
        ch.writeInbound(LoopFixture.ascii("flush"));

        io.netty.buffer.ByteBuf one = ch.readOutbound();
        assertThat(one.toString(StandardCharsets.ISO_8859_1)).isEqualTo("laterlater");
        one.release();
        assertThat(ch.<Object>readOutbound()).isNull();
        ch.close();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anExceptionInACallbackClosesItsConnectionOnly() {
        EmbeddedChannel failing = channel(app);
        EmbeddedChannel other = channel(app);

        failing.writeInbound(LoopFixture.ascii("boom"));
        assertThat(failing.isOpen()).isFalse();

        other.writeInbound(LoopFixture.ascii("fine"));
        assertThat(LoopFixture.readOutbound(other)).isEqualTo("fine");
        assertThat(other.isOpen()).isTrue();
        assertThat(events).containsExactly("open", "open", "loader:ok", "data:boom", "close", "loader:ok", "data:fine");
        assertThat(loop.snapshot().inFlight()).isZero();

        assertFalse(failing.finishAndReleaseAll());
        other.close();
        assertFalse(other.finishAndReleaseAll());
    }

    @Test
    void anOpenThatThrowsClosesTheConnectionWithoutFurtherCallbacks() {
        EmbeddedChannel ch = channel(channel -> {
            throw new IllegalStateException("cannot open on purpose");
        });
        assertThat(ch.isOpen()).isFalse();
        assertThat(loop.snapshot().inFlight()).isZero();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void theDrainEventReachesTheApplicationOnce() {
        EmbeddedChannel ch = channel(app);

        ch.pipeline().fireUserEventTriggered(Drain.INSTANCE);
        ch.pipeline().fireUserEventTriggered(Drain.INSTANCE);

        assertThat(LoopFixture.readOutbound(ch)).as("what was written before close is sent").isEqualTo("bye");
        assertThat(ch.isOpen()).isFalse();
        assertThat(events).containsExactly("open", "drain", "close");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aConnectionOpenedWhileDrainingIsToldAtOnce() {
        loop.draining = true;
        EmbeddedChannel ch = channel(app);
        ch.pipeline().fireUserEventTriggered(Drain.INSTANCE);
        assertThat(events).containsExactly("open", "drain", "close");
        assertThat(LoopFixture.readOutbound(ch)).isEqualTo("bye");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aClientThatShutsDownItsSideGetsWhatWasWrittenThenTheClose() {
        EmbeddedChannel ch = channel(app);
        ch.writeInbound(LoopFixture.ascii("later"));

        ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);

        assertThat(LoopFixture.readOutbound(ch)).isEqualTo("later");
        assertThat(ch.isOpen()).isFalse();
        assertThat(events).endsWith("close");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void readingStopsWhileTheClientDoesNotTakeWhatItIsSent() {
        EmbeddedChannel ch = channel(app);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));

        ch.writeInbound(LoopFixture.ascii("big"));
        ch.runPendingTasks();
        assertThat(channels.getFirst().writable()).isFalse();
        assertThat(ch.config().isAutoRead()).as("not reading while unwritable").isFalse();

        channels.getFirst().flush();
        ch.runPendingTasks();
        assertThat(channels.getFirst().writable()).isTrue();
        assertThat(ch.config().isAutoRead()).as("reading again").isTrue();
        assertThat(LoopFixture.readOutbound(ch)).hasSize(70 * 1024);
        ch.close();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void tasksOfTheChannelsExecutorAreCallbacksToo() {
        EmbeddedChannel ch = channel(app);
        TcpChannel channel = channels.getFirst();

        channel.executor().execute(() -> {
            events.add(Thread.currentThread().getContextClassLoader() == appLoader ? "task:loader:ok" : "task:loader:wrong");
            channel.write("from a task".getBytes(StandardCharsets.ISO_8859_1));
            channel.flush();
        });
        ch.runPendingTasks();
        assertThat(LoopFixture.readOutbound(ch)).isEqualTo("from a task");
        channel.executor().execute(() -> {
            throw new IllegalStateException("a task failed on purpose");
        });
        ch.runPendingTasks();
        assertThat(ch.isOpen()).as("a failing task closes its connection").isFalse();
        assertThat(events).containsExactly("open", "task:loader:ok", "close");
        assertThat(loop.snapshot().requests()).as("open, two tasks, close").isEqualTo(4);
        assertFalse(ch.finishAndReleaseAll());
    }
}
