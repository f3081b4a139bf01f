package dev.herd.handler.warmup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The warm-up client's reading of responses: each body read to its end, whatever its framing. */
class AnswerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            length             | HTTP/1.1 200 OK\\r\\nContent-Length: 4\\r\\n\\r\\nwarm                                         | false | 200 | false
            chunked, trailers  | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n2;x=1\\r\\nwa\\r\\n2\\r\\nrm\\r\\n0\\r\\nT: 1\\r\\n\\r\\n | false | 200 | false
            closing            | HTTP/1.1 500 Oops\\r\\nConnection: close\\r\\n\\r\\nto the end                              | false | 500 | true
            HTTP/1.0           | HTTP/1.0 200 OK\\r\\nContent-Length: 1\\r\\n\\r\\nx                                             | false | 200 | true
            HTTP/1.0 kept      | HTTP/1.0 200 OK\\r\\nConnection: keep-alive\\r\\nContent-Length: 1\\r\\n\\r\\nx                 | false | 200 | false
            HEAD               | HTTP/1.1 200 OK\\r\\nContent-Length: 4\\r\\n\\r\\n                                             | true  | 200 | false
            no content         | HTTP/1.1 204 No Content\\r\\n\\r\\n                                                          | false | 204 | false
            """)
    void readsEachResponseToItsEnd(String name, String wire, boolean head, int status, boolean closes) throws IOException {
        String next = "HTTP/1.1 299 Next\r\nContent-Length: 0\r\n\r\n";
        InputStream in = stream(wire.replace("\\r\\n", "\r\n") + (closes ? "" : next));

        assertThat(Answer.read(in, head)).isEqualTo(new Answer(status, closes));
        if (!closes) {
            assertThat(Answer.read(in, false).status()).as("the next response starts where this one ended").isEqualTo(299);
        }
    }

    @Test
    void aConnectionThatEndsInsideAResponseOrIsNotHttpIsAnError() {
        assertThatThrownBy(() -> Answer.read(stream("HTTP/1.1 200 OK\r\nContent-Le"), false))
                .isInstanceOf(IOException.class).hasMessageContaining("ended inside a response");
        assertThatThrownBy(() -> Answer.read(stream("SSH-2.0-OpenSSH\r\n"), false))
                .isInstanceOf(IOException.class).hasMessageContaining("not an HTTP/1.x status line");
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
