package dev.herd.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link Request}'s default methods read from the target and the headers. */
class RequestDefaultsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /a%20b/c?x=1      | /a b/c     | /a%20b/c
            /caf%C3%A9        | /café      | /caf%C3%A9
            /100%             | /100%      | /100%
            /bad%zz           | /bad%zz    | /bad%zz
            /a+b              | /a+b       | /a+b
            /                 | /          | /
            """)
    void thePathIsDecodedOnceAndPlusStaysAPlus(String target, String path, String rawPath) {
        Request r = request(target, Headers.empty(), "");
        assertThat(r.path()).isEqualTo(path);
        assertThat(r.rawPath()).isEqualTo(rawPath);
    }

    @Test
    void queryParametersAreDecodedMultiValuedAndOrdered() {
        Request r = request("/s?q=a+b&tag=x&tag=y%26z&empty=&flag&=v", Headers.empty(), "");

        assertThat(r.query("q")).hasValue("a b");
        assertThat(r.queryAll("tag")).containsExactly("x", "y&z");
        assertThat(r.query("empty")).hasValue("");
        assertThat(r.query("flag")).hasValue("");
        assertThat(r.query("none")).isEmpty();
        assertThat(r.queryParameters().keySet()).containsExactly("q", "tag", "empty", "flag", "");
        assertThat(r.rawQuery()).hasValue("q=a+b&tag=x&tag=y%26z&empty=&flag&=v");
        assertThat(request("/", Headers.empty(), "").queryParameters()).isEqualTo(Map.of());
    }

    @Test
    void bodyTextUsesTheCharsetOfItsContentType() {
        byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
        Request r = request("/", Headers.of("Content-Type", "text/plain; charset=\"ISO-8859-1\""), latin1);
        assertThat(r.bodyText()).isEqualTo("café");
        Request utf8 = request("/", Headers.empty(), "café".getBytes(StandardCharsets.UTF_8));
        assertThat(utf8.bodyText()).isEqualTo("café");
        Request unknown = request("/", Headers.of("Content-Type", "text/plain; charset=x-nope"),
                "ok".getBytes(StandardCharsets.UTF_8));
        assertThat(unknown.bodyText()).isEqualTo("ok");
    }

    private static Request request(String target, Headers headers, String body) {
        return request(target, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Request request(String target, Headers headers, byte[] body) {
        return new Request() {
            public String method() {
                return "GET";
            }

            public String target() {
                return target;
            }

            public String version() {
                return "HTTP/1.1";
            }

            public Headers headers() {
                return headers;
            }

            public long contentLength() {
                return body.length;
            }

            public byte[] body() {
                return body;
            }

            public InputStream bodyStream() {
                return new java.io.ByteArrayInputStream(body);
            }

            public SocketAddress remoteAddress() {
                return null;
            }

            public SocketAddress localAddress() {
                return null;
            }

            public HandlerContext handler() {
                return new HandlerContext(1, 0, 1, List.of());
            }

            public Executor executor() {
                return Runnable::run;
            }

            public CompletionStage<Void> after(Duration delay) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        };
    }
}
