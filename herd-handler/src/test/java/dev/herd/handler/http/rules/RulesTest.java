package dev.herd.handler.http.rules;

import dev.herd.handler.http.RequestRejected;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules as stages of their own: what they pass on, rewritten where a rule puts a request in
 * canonical form. (What a client gets back for each broken rule is in RequestRulesTest.)
 */
class RulesTest {

    private static HttpRequest through(HttpRequest request) {
        EmbeddedChannel ch = new EmbeddedChannel(RequestRule.all());
        ch.writeInbound(request);
        HttpRequest out = ch.readInbound();
        ch.finishAndReleaseAll();
        return out;
    }

    private static HttpRequest get(HttpVersion version, String uri, String host) {
        HttpRequest request = new DefaultHttpRequest(version, HttpMethod.GET, uri);
        if (host != null) {
            request.headers().set("host", host);
        }
        return request;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://example.com/a?b=1   | example.com      | /a?b=1",
            "http://example.com:8080    | example.com:8080 | /",
            "HTTPS://example.com?q      | example.com      | /?q",
            "http://[::1]:80/x          | [::1]:80         | /x"})
    void anAbsoluteTargetBecomesAPathAndTheTargetsHostReplacesHost(String target, String host, String path) {
        HttpRequest out = through(get(HttpVersion.HTTP_1_1, target, "other"));
        assertThat(out.decoderResult().isSuccess()).isTrue();
        assertThat(out.uri()).isEqualTo(path);
        assertThat(out.headers().getAll("host")).containsExactly(host);
    }

    @Test
    void aLaterHttp1MinorVersionIsServedAsHttp11() {
        HttpRequest out = through(get(HttpVersion.valueOf("HTTP/1.2"), "/", "x"));
        assertThat(out.decoderResult().isSuccess()).isTrue();
        assertThat(out.protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);
    }

    @Test
    void aRequestAlreadyFailedIsPassedOnUntouched() {
        HttpRequest failed = get(HttpVersion.HTTP_1_1, "/", null);
        failed.setDecoderResult(io.netty.handler.codec.DecoderResult.failure(RequestRejected.badRequest("earlier")));
        HttpRequest out = through(failed);
        assertThat(out.decoderResult().cause()).hasMessage("earlier");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                 | true",
            "a.b-c_d~e          | true",
            "a:8080             | true",
            "a:                 | true",
            "127.0.0.1          | true",
            "[::1]              | true",
            "[2001:db8::1]:443  | true",
            "[v1.fe80::a+b]     | true",
            "%41bc              | true",
            "a b                | false",
            "a/b                | false",
            "u@a                | false",
            "a:8x               | false",
            "a:1:2              | false",
            "[::1               | false",
            "[::1]x             | false",
            "[]                 | false",
            "[g::1]             | false",
            "%4                 | false",
            "a\u00e9            | false"})
    void hosts(String host, boolean valid) {
        assertThat(HostRule.isValidHost(host)).as(host).isEqualTo(valid);
    }
}
