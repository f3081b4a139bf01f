package dev.herd.handler.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Where a {@code TcpApp}'s output goes on the loop: each chunk is written and reported exactly once,
 * and released whatever happens to it.
 */
class ChannelSinkTest {
    private final Queue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final List<Boolean> reports = new ArrayList<>();
    private final EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = ch.pipeline().firstContext();

    private void runPosted() {
        for (Runnable task; (task = posted.poll()) != null; ) {
            task.run();
        }
        ch.runPendingTasks();
    }

    @Test
    void aChunkIsWrittenOnTheLoopAndReportedSent() {
        ChannelSink sink = new ChannelSink(ctx, posted::add);
        ByteBuf chunk = LoopFixture.ascii("hello");
        sink.chunk(chunk, reports::add);
        assertThat(reports).as("nothing before the loop ran").isEmpty();
        runPosted();
        assertThat(reports).containsExactly(true);
        assertThat(LoopFixture.readOutbound(ch)).isEqualTo("hello");
        assertThat(chunk.refCnt()).isZero();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aChunkForAClosedConnectionIsReleasedAndReportedNotSent() {
        ChannelSink sink = new ChannelSink(ctx, posted::add);
        ByteBuf chunk = LoopFixture.ascii("late");
        sink.chunk(chunk, reports::add);
        ch.close();
        runPosted();
        assertThat(reports).containsExactly(false);
        assertThat(chunk.refCnt()).isZero();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aChunkTheExitingLoopRefusesIsReleasedAndReportedNotSentAtOnce() {
        ChannelSink sink = new ChannelSink(ctx, task -> {
            throw new RejectedExecutionException("event executor terminated");
        });
        ByteBuf chunk = LoopFixture.ascii("too late");
        sink.chunk(chunk, reports::add);
        assertThat(reports).containsExactly(false);
        assertThat(chunk.refCnt()).isZero();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void theEndClosesTheConnectionAfterEveryChunkAndACutAtOnce() {
        ChannelSink sink = new ChannelSink(ctx, posted::add);
        sink.chunk(LoopFixture.ascii("last words"), reports::add);
        sink.end();
        runPosted();
        assertThat(LoopFixture.readOutbound(ch)).isEqualTo("last words");
        assertThat(ch.isOpen()).isFalse();

        EmbeddedChannel other = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        new ChannelSink(other.pipeline().firstContext(), Runnable::run).cut();
        assertThat(other.isOpen()).isFalse();
        assertFalse(ch.finishAndReleaseAll());
        assertFalse(other.finishAndReleaseAll());
    }
}
