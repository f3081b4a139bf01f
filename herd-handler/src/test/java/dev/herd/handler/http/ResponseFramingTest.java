package dev.herd.handler.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ResponseFraming}: how each kind of response is framed, and when the connection ends. */
class ResponseFramingTest {
    private static final ResponseFraming.Asked GET11 = new ResponseFraming.Asked(HttpVersion.HTTP_1_1, false, true);
    private static final ResponseFraming.Asked GET11_CLOSE = new ResponseFraming.Asked(HttpVersion.HTTP_1_1, false, false);
    private static final ResponseFraming.Asked HEAD11 = new ResponseFraming.Asked(HttpVersion.HTTP_1_1, true, true);
    private static final ResponseFraming.Asked GET10 = new ResponseFraming.Asked(HttpVersion.HTTP_1_0, false, false);
    private static final ResponseFraming.Asked GET10_KEEP = new ResponseFraming.Asked(HttpVersion.HTTP_1_0, false, true);
    private static final ResponseFraming.Asked HEAD10_KEEP = new ResponseFraming.Asked(HttpVersion.HTTP_1_0, true, true);

    /**
     * @param length   the body's length, -1 unknown
     * @param declared the service's own Content-Length
     * @param expected the framing fields sent: Content-Length, Transfer-Encoding, Connection ("-" for none)
     */
    record Case(String name, ResponseFraming.Asked asked, int status, long length, long declared, boolean closeRequested,
                boolean draining, String expected, boolean ends) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a known length is sent as Content-Length", GET11, 200, 5, 0, false, false, "5 - -", false),
                new Case("an empty body still has its length", GET11, 200, 0, 0, false, false, "0 - -", false),
                new Case("an unknown length is chunked on 1.1", GET11, 200, -1, 0, false, false, "- chunked -", false),
                new Case("an unknown length ends the connection on 1.0", GET10_KEEP, 200, -1, 0, false, false,
                        "- - close", true),
                new Case("1.0 keep-alive is said back", GET10_KEEP, 200, 3, 0, false, false, "3 - keep-alive", false),
                new Case("1.0 without keep-alive closes", GET10, 200, 3, 0, false, false, "3 - close", false),
                new Case("a client's close is said back", GET11_CLOSE, 200, 3, 0, false, false, "3 - close", false),
                new Case("HEAD gets the length its GET would have", HEAD11, 200, 0, 1234, false, false, "1234 - -", false),
                new Case("HEAD of unknown length on 1.0 keeps the connection", HEAD10_KEEP, 200, -1, 0, false, false,
                        "- - keep-alive", false),
                new Case("204 has no framing", GET11, 204, 0, 0, false, false, "- - -", false),
                new Case("304 has no framing", GET11, 304, 0, 99, false, false, "- - -", false),
                new Case("the service's close ends the connection", GET11, 200, 1, 0, true, false, "1 - close", true),
                new Case("draining says close", GET11, 200, 1, 0, false, true, "1 - close", false),
                new Case("a 400 that ends the connection", GET11, 400, 12, 0, true, false, "12 - close", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void framesEachResponse(Case c) {
        ResponseFraming framing = ResponseFraming.of(c.asked(), c.status(), c.length(), c.declared(), c.closeRequested(),
                c.draining());
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.set("Content-Length", "77").set("Transfer-Encoding", "gzip").set("Connection", "upgrade");

        framing.applyTo(headers, c.asked().version());

        assertThat(or(headers.get("Content-Length")) + " " + or(headers.get("Transfer-Encoding")) + " "
                + or(headers.get("Connection"))).isEqualTo(c.expected());
        assertThat(framing.endsConnection()).as("ends the connection").isEqualTo(c.ends());
        assertThat(framing.keptAlive()).as("kept alive")
                .isEqualTo(c.asked().keepAlive() && !c.ends() && !c.draining());
    }

    private static String or(String value) {
        return value == null ? "-" : value;
    }
}
