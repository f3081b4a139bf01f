package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ReceivedBody}: memory up to its bound, a file past it, nothing left behind. */
class ReceivedBodyTest {
    @TempDir
    Path dir;

    @Test
    void keepsASmallBodyInMemory() throws IOException {
        ReceivedBody body = new ReceivedBody(ByteBufAllocator.DEFAULT, 16, dir, new BodyMemory(1 << 20));
        List<ByteBuf> pieces = add(body, "hello ", "world");

        assertThat(body.spilled()).isFalse();
        assertThat(read(body.stream())).isEqualTo("hello world");
        assertThat(read(body.stream())).as("a second stream starts over").isEqualTo("hello world");
        assertThat(body.bytes().readableBytes()).isEqualTo(11);
        body.release();
        assertThat(pieces).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void movesALargerBodyToAFileThatNoNameHolds() throws IOException {
        ReceivedBody body = new ReceivedBody(ByteBufAllocator.DEFAULT, 8, dir, new BodyMemory(1 << 20));
        List<ByteBuf> pieces = add(body, "0123", "4567", "89ab", "cdef", "g");

        assertThat(body.spilled()).isTrue();
        assertThat(body.size()).isEqualTo(17);
        assertThat(pieces).as("the memory part was freed").allMatch(b -> b.refCnt() == 0);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("the file is unlinked at once").isEmpty();
        }
        InputStream stream = body.stream();
        assertThat(stream.skip(2)).isEqualTo(2);
        assertThat(read(stream)).isEqualTo("23456789abcdefg");
        assertThatThrownBy(body::bytes).isInstanceOf(IllegalStateException.class);
        body.release();
        assertThatThrownBy(() -> body.stream().read()).isInstanceOf(IOException.class).hasMessageContaining("over");
    }

    @Test
    void bodiesTogetherStayWithinTheHandlersBudgetAndGiveItBack() throws IOException {
        BodyMemory budget = new BodyMemory(10);
        ReceivedBody first = new ReceivedBody(ByteBufAllocator.DEFAULT, 16, dir, budget);
        ReceivedBody second = new ReceivedBody(ByteBufAllocator.DEFAULT, 16, dir, budget);
        add(first, "01234567");
        add(second, "ab");
        add(second, "cd");

        assertThat(first.spilled()).isFalse();
        assertThat(second.spilled()).as("under its own bound, past the handler's").isTrue();
        assertThat(read(second.stream())).isEqualTo("abcd");
        assertThat(budget.held()).isEqualTo(8);
        first.release();
        second.release();
        assertThat(budget.held()).isZero();

        ReceivedBody third = new ReceivedBody(ByteBufAllocator.DEFAULT, 16, dir, budget);
        add(third, "0123456789");
        assertThat(third.spilled()).as("once the budget was given back").isFalse();
        third.release();
        assertThat(budget.held()).isZero();
    }

    @Test
    void withoutABudgetABodyStaysInMemory() throws IOException {
        ReceivedBody body = new ReceivedBody(ByteBufAllocator.DEFAULT, 1 << 20, dir, null);
        add(body, "x".repeat(1000));
        assertThat(body.spilled()).isFalse();
        body.release();
    }

    @Test
    void anEmptyBodyReadsAsEmpty() throws IOException {
        ReceivedBody body = new ReceivedBody(ByteBufAllocator.DEFAULT, 8, dir, new BodyMemory(1 << 20));
        assertThat(body.stream().read()).isEqualTo(-1);
        assertThat(body.bytes().readableBytes()).isZero();
        body.release();
    }

    private static List<ByteBuf> add(ReceivedBody body, String... pieces) throws IOException {
        List<ByteBuf> added = new ArrayList<>();
        for (String piece : pieces) {
            ByteBuf buf = Unpooled.copiedBuffer(piece, java.nio.charset.StandardCharsets.US_ASCII);
            added.add(buf);
            body.add(buf);
        }
        return added;
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    }
}
