package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RegionChunksTest {
    @Test
    void aFilesRegionIsSentAsPiecesOfItsBytes(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[100_000];
        new Random(3).nextBytes(bytes);
        File file = Files.write(dir.resolve("f.bin"), bytes).toFile();
        EmbeddedChannel channel = new EmbeddedChannel(new RegionChunks());
        channel.writeAndFlush(Unpooled.copiedBuffer(new byte[] {1})).sync();
        assertThat(channel.pipeline().get(ChunkedWriteHandler.class)).as("none before a file").isNull();
        ((ByteBuf) channel.readOutbound()).release();
        DefaultFileRegion region = new DefaultFileRegion(file, 1_000, 90_000);

        channel.writeAndFlush(region).sync();

        ByteBuf all = Unpooled.buffer();
        int pieces = 0;
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            HttpContent piece = (HttpContent) out;
            assertThat(piece.content().readableBytes()).isLessThanOrEqualTo(RegionChunks.PIECE);
            all.writeBytes(piece.content());
            piece.release();
            pieces++;
        }
        assertThat(pieces).isEqualTo(6);
        byte[] sent = new byte[all.readableBytes()];
        all.readBytes(sent);
        assertThat(sent).isEqualTo(java.util.Arrays.copyOfRange(bytes, 1_000, 91_000));
        assertThat(region.refCnt()).isZero();
    }
}
