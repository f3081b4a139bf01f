package dev.herd.handler.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class PriorKnowledgeTest {
    private final AtomicReference<String> chosen = new AtomicReference<>();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new PriorKnowledge(
                ctx -> {
                    chosen.set("h2");
                    ctx.pipeline().addLast(new ChannelInboundHandlerAdapter());
                },
                ctx -> {
                    chosen.set("http/1.1");
                    ctx.pipeline().addLast(new ChannelInboundHandlerAdapter());
                },
                Duration.ofSeconds(15)));
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @Test
    void anHttp11RequestIsKnownAtItsFirstByteAndHandedOnWhole() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(ascii("GET / HTTP/1.1\r\n"));

        assertThat(chosen.get()).isEqualTo("http/1.1");
        assertThat(channel.pipeline().get(PriorKnowledge.class)).isNull();
        ByteBuf handed = channel.readInbound();
        assertThat(handed.toString(StandardCharsets.US_ASCII)).isEqualTo("GET / HTTP/1.1\r\n");
        handed.release();
    }

    @Test
    void thePrefaceMayComeInPiecesAndAMethodLikeItIsHttp11() {
        EmbeddedChannel h2 = channel();
        h2.writeInbound(ascii("PRI * HT"));
        assertThat(chosen.get()).isNull();
        h2.writeInbound(ascii("TP/2.0\r\n\r\nSM\r\n\r\n"));
        assertThat(chosen.get()).isEqualTo("h2");
        ByteBuf preface = h2.readInbound();
        assertThat(preface.readableBytes()).isEqualTo(24);
        preface.release();

        chosen.set(null);
        EmbeddedChannel put = channel();
        put.writeInbound(ascii("P"));
        assertThat(chosen.get()).isNull();
        put.writeInbound(ascii("UT /x HTTP/1.1\r\n"));
        assertThat(chosen.get()).isEqualTo("http/1.1");
        ((ByteBuf) put.readInbound()).release();
    }

    @Test
    void aSilentClientIsClosedAfterTheIdleTimeout() {
        EmbeddedChannel channel = new EmbeddedChannel(new PriorKnowledge(ctx -> { }, ctx -> { }, Duration.ofMillis(1)));
        channel.advanceTimeBy(5, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }
}
