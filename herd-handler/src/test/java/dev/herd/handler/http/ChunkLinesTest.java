package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ChunkLines}: the chunk-line grammar of RFC 9112 §7.1, and following a body through its steps. */
class ChunkLinesTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "1a", "FFFF", "5;a", "5;a=b", "5 ;a", "5; a", "5;a = b", "5;a=\"x y\"",
            "5;a=\"q\\\"uote\"", "5;a;b=c;d", "5;!#$%&'*+-.^_`|~=x"})
    void acceptsWhatTheGrammarAllows(String line) {
        assertThat(problem(line)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ";a", "+5", "-5", "0x5", "5 ", "5;", "5; ", "5;=b", "5;a=", "5;a b", "5;\"a\"",
            "5;a=\"open", "5;a=b c", "5;a=(b)", "5;a;", "5 x", "5;a=\"\u0001\""})
    void refusesWhatItDoesNot(String line) {
        assertThat(problem(line)).isNotNull();
    }

    @Test
    void followsABodyAcrossStepsOfAnySize() {
        String body = "3;x=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n";
        for (int step = 1; step <= body.length(); step++) {
            ChunkLines lines = new ChunkLines();
            ByteBuf buffer = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
            for (int at = 0; at < body.length(); at += step) {
                assertThat(lines.consumed(buffer, at, Math.min(body.length(), at + step))).isNull();
            }
            assertThat(lines.done()).as("done, in steps of %d", step).isTrue();
            buffer.release();
        }
    }

    @Test
    void findsABadLineAfterGoodChunks() {
        String body = "3\r\nabc\r\n2;\r\nhi\r\n0\r\n";
        ChunkLines lines = new ChunkLines();
        ByteBuf buffer = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
        assertThat(lines.consumed(buffer, 0, 10)).isNull();
        assertThat(lines.consumed(buffer, 10, body.length())).contains("without a name");
        buffer.release();
    }

    private static String problem(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        return ChunkLines.problem(bytes, bytes.length);
    }
}
