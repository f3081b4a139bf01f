package dev.herd.handler.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static dev.herd.handler.http.DemoPipeline.ascii;
import static dev.herd.handler.http.DemoPipeline.decode;
import static dev.herd.handler.http.DemoPipeline.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * RFC 9110 and 9112 on the whole pipeline, table-driven: raw bytes in (one write, and again split
 * into one-byte writes), the statuses of the responses out in order, every response an HTTP/1.1
 * status line, and whether the connection stays open. Framing in doubt closes the connection, so
 * that nothing after it can be read as another request (smuggling).
 */
class RequestRulesTest {
    private final DemoPipeline pipeline = new DemoPipeline();

    @AfterEach
    void closeScoreboard() {
        pipeline.close();
    }

    /** Raw request bytes and what must come back. */
    record Case(String name, String request, List<Integer> statuses, boolean staysOpen) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case ok(String name, String request) {
        return new Case(name, request, List.of(200), true);
    }

    private static Case rejected(String name, int status, String request) {
        return new Case(name, request, List.of(status), false);
    }

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n";
    private static final String POST = "POST /echo HTTP/1.1\r\nHost: x\r\n";

    /** {@code n} distinct field lines. */
    private static String fields(int n) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append("X-").append(i).append(": v\r\n");
        }
        return lines.toString();
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Host (RFC 9112 §3.2)
                rejected("HTTP/1.1 without Host", 400, "GET / HTTP/1.1\r\n\r\n"),
                rejected("two Host fields", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                rejected("two Host fields with the same value", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
                rejected("a Host list", 400, "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n"),
                rejected("a Host with a space", 400, "GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n"),
                rejected("a Host with a path", 400, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"),
                rejected("a Host with userinfo", 400, "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n"),
                rejected("a Host with a bad port", 400, "GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n"),
                rejected("a Host with two ports", 400, "GET / HTTP/1.1\r\nHost: a:80:81\r\n\r\n"),
                rejected("an unclosed IPv6 Host", 400, "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"),
                ok("a Host with a port", "GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"),
                ok("an IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"),
                ok("an IPv4 Host", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                ok("an empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n"),
                ok("HTTP/1.0 without Host", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
                // Request line (RFC 9112 §3)
                rejected("a lowercase version", 400, "GET / http/1.1\r\nHost: x\r\n\r\n"),
                rejected("HTTP/2.0 on an HTTP/1 connection", 505, "GET / HTTP/2.0\r\nHost: x\r\n\r\n"),
                rejected("HTTP/0.9 with a version", 505, "GET / HTTP/0.9\r\nHost: x\r\n\r\n"),
                rejected("HTTP/3.0", 505, "GET / HTTP/3.0\r\nHost: x\r\n\r\n"),
                rejected("a two-digit minor version", 400, "GET / HTTP/1.10\r\nHost: x\r\n\r\n"),
                rejected("a version without a minor", 400, "GET / HTTP/1\r\nHost: x\r\n\r\n"),
                rejected("a version with a suffix", 400, "GET / HTTP/1.1x\r\nHost: x\r\n\r\n"),
                ok("HTTP/1.2 is answered as HTTP/1.1", "GET / HTTP/1.2\r\nHost: x\r\n\r\n"),
                rejected("two spaces after the method", 400, "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a tab between method and target", 400, "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a space after the version", 400, "GET / HTTP/1.1 \r\nHost: x\r\n\r\n"),
                rejected("a method with a delimiter", 400, "GE(T / HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a method with a control character", 400, "G\u0001T / HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a target with a control character", 400, "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a target with DEL", 400, "GET /a\u007fb HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a target with a non-ASCII byte", 400, "GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a target with a fragment", 400, "GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a target with a quote", 400, "GET /a\"b HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a bad percent-encoding", 400, "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("a relative target", 400, "GET a/b HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("an asterisk target for GET", 400, "GET * HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("an authority target for GET", 400, "GET example.com:80 HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("an absolute target of another scheme", 400, "GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("an absolute target with userinfo", 400, "GET http://u@x/ HTTP/1.1\r\nHost: x\r\n\r\n"),
                rejected("CONNECT", 501, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
                new Case("OPTIONS * reaches the application", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", List.of(404), true),
                rejected("an absolute target without Host", 400, "GET http://x/ HTTP/1.1\r\n\r\n"),
                ok("an absolute target", "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"),
                ok("an absolute target's host wins over Host", "GET http://example.com:80/ HTTP/1.1\r\nHost: other\r\n\r\n"),
                ok("an absolute target without a path", "GET http://example.com HTTP/1.1\r\nHost: x\r\n\r\n"),
                ok("an HTTPS absolute target", "GET HTTPS://example.com/ HTTP/1.1\r\nHost: x\r\n\r\n"),
                ok("a target with sub-delimiters and a query", "GET /?a=1&b=(2)*;c=%20:@!$'+, HTTP/1.1\r\nHost: x\r\n\r\n"),
                ok("empty lines before the request line", "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                // Field lines (RFC 9112 §5, RFC 9110 §5)
                rejected("whitespace before the colon", 400, GET + "X-A : 1\r\n\r\n"),
                rejected("a tab before the colon", 400, GET + "X-A\t: 1\r\n\r\n"),
                rejected("obs-fold", 400, GET + "X-A: 1\r\n 2\r\n\r\n"),
                ok("100 field lines, --max-headers", GET + fields(99) + "\r\n"),
                rejected("101 field lines, past --max-headers", 431, GET + fields(100) + "\r\n"),
                rejected("whitespace before the first field", 400, "GET / HTTP/1.1\r\n Host: x\r\n\r\n"),
                rejected("a field name with a delimiter", 400, GET + "X(A): 1\r\n\r\n"),
                rejected("a field without a colon", 400, GET + "X-A 1\r\n\r\n"),
                rejected("an empty field name", 400, GET + ": 1\r\n\r\n"),
                rejected("NUL in a value", 400, GET + "X-A: a\u0000b\r\n\r\n"),
                rejected("a control character in a value", 400, GET + "X-A: a\u0001b\r\n\r\n"),
                rejected("a bare CR in a value", 400, GET + "X-A: a\rb\r\n\r\n"),
                rejected("a bare CR ending a field line", 400, GET + "X-A: a\r\r\n\r\n"),
                ok("whitespace around a value", GET + "X-A: \t 1 \t\r\n\r\n"),
                ok("an obs-text value", GET + "X-A: caf\u00e9\r\n\r\n"),
                rejected("a bare LF ending lines", 400, "GET / HTTP/1.1\nHost: x\n\n"),
                // Framing (RFC 9112 §6)
                rejected("Content-Length and Transfer-Encoding", 400,
                        POST + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                rejected("two different Content-Lengths", 400, POST + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nping"),
                rejected("two equal Content-Lengths", 400, POST + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nping"),
                rejected("a Content-Length list", 400, POST + "Content-Length: 4, 5\r\n\r\nping"),
                rejected("a signed Content-Length", 400, POST + "Content-Length: +4\r\n\r\nping"),
                rejected("a negative Content-Length", 400, POST + "Content-Length: -4\r\n\r\nping"),
                rejected("a hex Content-Length", 400, POST + "Content-Length: 0x4\r\n\r\nping"),
                rejected("an empty Content-Length", 400, POST + "Content-Length: \r\n\r\n"),
                rejected("a Content-Length with a space inside", 400, POST + "Content-Length: 1 0\r\n\r\nping"),
                rejected("an overflowing Content-Length", 400, POST + "Content-Length: 99999999999999999999\r\n\r\nping"),
                rejected("Transfer-Encoding without chunked", 400, POST + "Transfer-Encoding: gzip\r\n\r\n"),
                rejected("a transfer coding before chunked", 501,
                        POST + "Transfer-Encoding: gzip, chunked\r\n\r\n4\r\nping\r\n0\r\n\r\n"),
                rejected("a transfer coding before chunked in its own field", 501,
                        POST + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nping\r\n0\r\n\r\n"),
                rejected("chunked not last", 400, POST + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
                rejected("chunked twice", 400, POST + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                rejected("chunked twice in two fields", 400,
                        POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                rejected("an empty Transfer-Encoding", 400, POST + "Transfer-Encoding: \r\n\r\n"),
                rejected("a misspelt chunked", 400, POST + "Transfer-Encoding: chunkedx\r\n\r\n0\r\n\r\n"),
                rejected("Transfer-Encoding on HTTP/1.0", 400,
                        "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nping\r\n0\r\n\r\n"),
                rejected("a hex prefix in a chunk size", 400, POST + "Transfer-Encoding: chunked\r\n\r\n0x4\r\nping\r\n0\r\n\r\n"),
                rejected("a signed chunk size", 400, POST + "Transfer-Encoding: chunked\r\n\r\n+4\r\nping\r\n0\r\n\r\n"),
                rejected("an empty chunk size", 400, POST + "Transfer-Encoding: chunked\r\n\r\n\r\nping\r\n0\r\n\r\n"),
                rejected("a space inside a chunk size", 400, POST + "Transfer-Encoding: chunked\r\n\r\n4 4\r\nping\r\n0\r\n\r\n"),
                rejected("an overflowing chunk size", 400,
                        POST + "Transfer-Encoding: chunked\r\n\r\n10000000000000004\r\nping\r\n0\r\n\r\n"),
                rejected("chunk data longer than its size", 400, POST + "Transfer-Encoding: chunked\r\n\r\n2\r\nping\r\n0\r\n\r\n"),
                rejected("a chunk without its CRLF", 400, POST + "Transfer-Encoding: chunked\r\n\r\n4\r\npingX\r\n0\r\n\r\n"),
                rejected("a bare CR in a chunk extension", 400,
                        POST + "Transfer-Encoding: chunked\r\n\r\n4;a=b\rc\r\nping\r\n0\r\n\r\n"),
                rejected("a Hixie-76 WebSocket handshake without Content-Length", 400,
                        "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: WebSocket\r\n"
                                + "Sec-WebSocket-Key1: 1\r\nSec-WebSocket-Key2: 2\r\n\r\n12345678"),
                ok("a chunk extension", POST + "Transfer-Encoding: chunked\r\n\r\n4;name=value\r\nping\r\n0\r\n\r\n"),
                ok("a quoted chunk extension", POST + "Transfer-Encoding: chunked\r\n\r\n4;n=\"a b;c\"\r\nping\r\n0\r\n\r\n"),
                ok("whitespace before a chunk extension", POST + "Transfer-Encoding: chunked\r\n\r\n4 ;n=v\r\nping\r\n0\r\n\r\n"),
                ok("an uppercase chunk size", POST + "Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"),
                ok("leading zeros in a chunk size", POST + "Transfer-Encoding: chunked\r\n\r\n0004\r\nping\r\n0\r\n\r\n"),
                ok("trailers", POST + "Transfer-Encoding: chunked\r\n\r\n4\r\nping\r\n0\r\nX-T: 1\r\n\r\n"),
                ok("a mixed-case chunked", POST + "Transfer-Encoding: Chunked\r\n\r\n4\r\nping\r\n0\r\n\r\n"),
                ok("Content-Length with whitespace", POST + "Content-Length:  4 \r\n\r\nping"),
                ok("Content-Length 0 on GET", GET + "Content-Length: 0\r\n\r\n"),
                new Case("pipelined requests", GET + "\r\n" + GET + "\r\n" + POST + "Content-Length: 4\r\n\r\nping",
                        List.of(200, 200, 200), true),
                new Case("Expect: 100-continue on HTTP/1.1", POST + "Expect: 100-continue\r\nContent-Length: 4\r\n\r\nping",
                        List.of(100, 200), true),
                new Case("Expect: 100-continue on HTTP/1.0",
                        "POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nping",
                        List.of(200), false),
                rejected("an unknown expectation", 417, POST + "Expect: teapot\r\nContent-Length: 4\r\n\r\nping")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inOneWrite(Case c) {
        EmbeddedChannel ch = pipeline.channel(DemoPipeline.MAX_BODY);
        ch.writeInbound(ascii(c.request()));
        check(c, ch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inOneByteWrites(Case c) {
        EmbeddedChannel ch = pipeline.channel(DemoPipeline.MAX_BODY);
        byte[] bytes = c.request().getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length && ch.isOpen(); i++) {
            ch.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(bytes, i, 1));
        }
        check(c, ch);
    }

    private static void check(Case c, EmbeddedChannel ch) {
        String raw = drainOutbound(ch);
        assertThat(raw).as("status line").startsWith("HTTP/1.1 ");
        assertThat(raw).as("status lines").doesNotContainPattern("(?m)^HTTP/(?!1\\.1 )");
        List<FullHttpResponse> responses = decode(raw);
        try {
            assertThat(responses).extracting(r -> r.status().code()).as(raw).isEqualTo(c.statuses());
            FullHttpResponse last = responses.getLast();
            if (!c.staysOpen()) {
                assertThat(last.headers().get("connection")).as("connection").isEqualToIgnoringCase("close");
            }
            assertThat(ch.isOpen()).as("open").isEqualTo(c.staysOpen());
        } finally {
            responses.forEach(FullHttpResponse::release);
        }
        assertFalse(ch.finishAndReleaseAll());
    }
}
