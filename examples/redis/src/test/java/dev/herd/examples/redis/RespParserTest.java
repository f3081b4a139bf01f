package dev.herd.examples.redis;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser fed as a socket would feed it: in one piece, split anywhere, byte by byte, pipelined, or malformed. */
class RespParserTest {

    /** What the parser reported: each command as its arguments joined by '|', and errors as "error: ...". */
    private static final class Recorder implements RespParser.Listener {
        final List<String> events = new ArrayList<>();

        @Override
        public void command(byte[][] args, int count) {
            List<String> words = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                words.add(new String(args[i], StandardCharsets.ISO_8859_1));
            }
            events.add(String.join("|", words));
        }

        @Override
        public void protocolError(String message) {
            events.add("error: " + message);
        }
    }

    private static final String PIPELINE = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n"
            + "PING\r\n"
            + "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"
            + "\r\n"
            + "  ECHO \t hi  there \n"
            + "*0\r\n"
            + "*1\r\n$0\r\n\r\n"
            + "*-1\r\n"
            + "*1\r\n$4\r\nPING\r\n";
    private static final List<String> COMMANDS = List.of("SET|key|va\r\nl", "PING", "GET|key", "ECHO|hi|there", "",
            "PING");

    private static List<String> parse(byte[][] pieces) {
        Recorder recorder = new Recorder();
        RespParser parser = new RespParser(recorder, 1024);
        for (byte[] piece : pieces) {
            ByteBuffer buffer = ByteBuffer.wrap(piece);
            parser.feed(buffer);
            assertThat(buffer.hasRemaining()).as("every byte consumed").isFalse();
        }
        return recorder.events;
    }

    private static List<String> parse(String... pieces) {
        return parse(Arrays.stream(pieces).map(p -> p.getBytes(StandardCharsets.ISO_8859_1)).toArray(byte[][]::new));
    }

    @Test
    void pipelinedCommandsInOneRead() {
        assertThat(parse(PIPELINE)).isEqualTo(COMMANDS);
    }

    @Test
    void theSameCommandsWhereverTheStreamIsSplit() {
        for (int cut = 0; cut <= PIPELINE.length(); cut++) {
            assertThat(parse(PIPELINE.substring(0, cut), PIPELINE.substring(cut))).as("split at byte " + cut)
                    .isEqualTo(COMMANDS);
        }
    }

    @Test
    void theSameCommandsWhereverTwoSplitsFall() {
        for (int a = 0; a <= PIPELINE.length(); a++) {
            for (int b = a; b <= PIPELINE.length(); b++) {
                assertThat(parse(PIPELINE.substring(0, a), PIPELINE.substring(a, b), PIPELINE.substring(b)))
                        .as("split at bytes " + a + " and " + b).isEqualTo(COMMANDS);
            }
        }
    }

    @Test
    void theSameCommandsOneByteAtATime() {
        assertThat(parse(PIPELINE.split(""))).isEqualTo(COMMANDS);
    }

    @Test
    void binaryArgumentsPassUntouched() {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        byte[] head = "*2\r\n$4\r\nECHO\r\n$256\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n".getBytes(StandardCharsets.US_ASCII);
        List<byte[]> seen = new ArrayList<>();
        RespParser parser = new RespParser(new RespParser.Listener() {
            @Override
            public void command(byte[][] args, int count) {
                seen.add(args[1]);
            }

            @Override
            public void protocolError(String message) {
                throw new AssertionError(message);
            }
        }, 1024);
        parser.feed(ByteBuffer.wrap(head));
        assertThat(parser.atBoundary()).isFalse();
        parser.feed(ByteBuffer.wrap(value));
        parser.feed(ByteBuffer.wrap(tail));
        assertThat(parser.atBoundary()).isTrue();
        assertThat(seen).singleElement().isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            bad argument count           | *x\\r\\n                          | invalid multibulk length
            count without digits         | *\\r\\n                           | invalid multibulk length
            count too large              | *2000000\\r\\n                    | invalid multibulk length
            count over 18 digits         | *1234567890123456789\\r\\n        | invalid multibulk length
            LF missing after the count   | *1\\rX                            | invalid multibulk length
            not a bulk string            | *1\\r\\n+PING\\r\\n               | expected '$', got '+'
            negative bulk length         | *1\\r\\n$-1\\r\\n                 | invalid bulk length
            bulk longer than the limit   | *1\\r\\n$1025\\r\\n               | invalid bulk length
            bulk longer than announced   | *1\\r\\n$2\\r\\nabc\\r\\n         | expected CRLF after an argument, got 'c'
            control byte in a header     | *1\\r\\n$\\u0000\\r\\n            | invalid bulk length
            """)
    void malformedInputIsOneErrorAndThenNothing(String name, String input, String error) {
        String bytes = input.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0");
        List<String> events = parse(bytes, "*1\r\n$4\r\nPING\r\n", "PING\r\n");
        assertThat(events).containsExactly("error: " + error);
    }

    @Test
    void anInlineLineLongerThanTheLimitIsAnError() {
        String line = "x".repeat(RespParser.MAX_INLINE + 1);
        assertThat(parse(line, "\r\nPING\r\n")).containsExactly("error: too big inline request");
    }

    @Test
    void aHugeAnnouncedCountAllocatesNothingUpFront() {
        // 1,048,576 arguments announced, 3 sent: the parser waits for the rest without having made room for them.
        Recorder recorder = new Recorder();
        RespParser parser = new RespParser(recorder, 1024);
        parser.feed(ByteBuffer.wrap("*1048576\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(recorder.events).isEmpty();
        assertThat(parser.atBoundary()).isFalse();
    }
}
