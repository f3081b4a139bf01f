package dev.herd.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The fuzz test's reader of responses tells well-formed HTTP/1.1 from what is not. */
class WellFormedResponsesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", textBlock = """
            HTTP/1.1 200 OK|Content-Length: 2||ok                                          => ok
            HTTP/1.1 200 OK|Content-Length: 2||okHTTP/1.1 404 Not Found|Content-Length: 0|| => ok
            HTTP/1.1 100 Continue||HTTP/1.1 200 OK|Transfer-Encoding: chunked||2;x=y|ok|0|T: v|| => ok
            HTTP/1.1 200 OK|Content-Length: 13||HTTP/1.1 400 Bad Request|Content-Length: 0|Connection: close|| => ok (HEAD)
            HTTP/1.1 204 No Content||                                                     => ok
            HTTP/2.0 200 OK|Content-Length: 0||                                          => not an HTTP/1.1 status line
            HTTP/1.1 200 OK|Content-Length: 5||ok                                         => bytes before the body's end
            HTTP/1.1 200 OK|Content-Length: 2|Content-Length: 2||ok                       => two Content-Length fields
            HTTP/1.1 200 OK|Content-Length: 2|Transfer-Encoding: chunked||ok               => both Content-Length and Transfer-Encoding
            HTTP/1.1 200 OK||                                                             => without Content-Length or chunked framing
            HTTP/1.1 200 OK|Bad Name: x|Content-Length: 0||                               => not a field line
            HTTP/1.1 200 OK| folded|Content-Length: 0||                                  => not a field line
            HTTP/1.1 200 OK|Transfer-Encoding: chunked||2|okX|0||                         => not followed by CRLF
            HTTP/1.1 400 Bad Request|Connection: close|Content-Length: 0||HTTP/1.1 200 OK|| => after a response that said Connection: close
            HTTP/1.1 103 Early Hints||HTTP/1.1 200 OK|Content-Length: 0||                 => an interim response other than a bare 100
            """)
    void readsWhatIsWellFormedAndNamesWhatIsNot(String wire, String verdict) {
        boolean head = verdict.endsWith("(HEAD)");
        byte[] bytes = wire.strip().replace("|", "\r\n").getBytes(StandardCharsets.ISO_8859_1);

        WellFormedResponses.Reading reading = WellFormedResponses.read(bytes, head);

        if (verdict.startsWith("ok")) {
            assertThat(reading.problem()).isNull();
        } else {
            assertThat(reading.problem()).contains(verdict);
        }
    }
}
