package dev.herd.examples.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Commands in, RESP replies out, as a client sees them on the wire. */
class RedisSessionTest {
    private final RedisSession session = new RedisSession(new Keyspace());

    private String send(String input) {
        session.feed(ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1)));
        String out = new String(session.replies().array(), 0, session.replies().size(), StandardCharsets.ISO_8859_1);
        session.replies().clear();
        return out;
    }

    private static String wire(String escaped) {
        return escaped.replace("\\r", "\r").replace("\\n", "\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            PING                 | PING\\r\\n                                  | +PONG\\r\\n
            ping in lower case   | ping\\r\\n                                  | +PONG\\r\\n
            PING with a message  | *2\\r\\n$4\\r\\nPING\\r\\n$2\\r\\nhi\\r\\n  | $2\\r\\nhi\\r\\n
            ECHO                 | ECHO hello\\r\\n                            | $5\\r\\nhello\\r\\n
            GET of a missing key | GET nothing\\r\\n                           | $-1\\r\\n
            SET then GET         | SET k v\\r\\nGeT k\\r\\n                    | +OK\\r\\n$1\\r\\nv\\r\\n
            SET with options     | SET k v EX 10\\r\\n                         | -ERR syntax error\\r\\n
            DEL counts removals  | SET a 1\\r\\nDEL a b a\\r\\n                | +OK\\r\\n:1\\r\\n
            EXISTS counts each   | SET a 1\\r\\nEXISTS a b a\\r\\n             | +OK\\r\\n:2\\r\\n
            INCR from nothing    | INCR n\\r\\nINCR n\\r\\n                    | :1\\r\\n:2\\r\\n
            INCR of a word       | SET w x\\r\\nINCR w\\r\\n                   | +OK\\r\\n-ERR value is not an integer or out of range\\r\\n
            INCR at the maximum  | SET m 9223372036854775807\\r\\nINCR m\\r\\n | +OK\\r\\n-ERR increment or decrement would overflow\\r\\n
            wrong arity          | GET\\r\\n                                   | -ERR wrong number of arguments for 'get' command\\r\\n
            unknown command      | FLUSHALL\\r\\n                              | -ERR unknown command 'FLUSHALL'\\r\\n
            CONFIG GET save      | CONFIG GET save\\r\\n                       | *2\\r\\n$4\\r\\nsave\\r\\n$0\\r\\n\\r\\n
            CONFIG GET appendonly| CONFIG GET appendonly\\r\\n                 | *2\\r\\n$10\\r\\nappendonly\\r\\n$2\\r\\nno\\r\\n
            CONFIG GET other     | CONFIG GET maxmemory\\r\\n                  | *0\\r\\n
            COMMAND              | COMMAND DOCS\\r\\n                          | *0\\r\\n
            """)
    void answers(String name, String input, String reply) {
        assertThat(send(wire(input))).isEqualTo(wire(reply));
        assertThat(session.closing()).isFalse();
    }

    @Test
    void quitAnswersOkIgnoresWhatFollowsAndCloses() {
        assertThat(send("PING\r\nQUIT\r\nPING\r\n")).isEqualTo("+PONG\r\n+OK\r\n");
        assertThat(session.closing()).isTrue();
    }

    @Test
    void malformedInputIsAnsweredWithAnErrorThenTheConnectionCloses() {
        assertThat(send("PING\r\n*1\r\n+x\r\nPING\r\n")).isEqualTo("+PONG\r\n-ERR Protocol error: expected '$', got '+'\r\n");
        assertThat(session.closing()).isTrue();
    }

    @Test
    void integersAreParsedAsRedisStoresThem() throws Exception {
        assertThat(Keyspace.parse("0".getBytes(StandardCharsets.US_ASCII))).isZero();
        assertThat(Keyspace.parse("-42".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-42);
        assertThat(Keyspace.parse("-9223372036854775808".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Long.MIN_VALUE);
        for (String bad : new String[] {"", "-", "01", "-0", "+1", " 1", "1 ", "9223372036854775808", "1x"}) {
            assertThatThrownBy(() -> Keyspace.parse(bad.getBytes(StandardCharsets.US_ASCII))).as("'" + bad + "'")
                    .isInstanceOf(Keyspace.NotAnInteger.class);
        }
    }
}
