package dev.herd.handler.h2;

import dev.herd.handler.http.RequestRejected;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StreamHeadTest {
    private static FullHttpRequest request(String uri, int fields) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII));
        request.headers().set("host", "localhost").set("x-http2-stream-id", "3").set("x-http2-scheme", "https");
        for (int i = 0; i < fields; i++) {
            request.headers().add("x-" + i, "v");
        }
        return request;
    }

    @Test
    void aWholeRequestBecomesAHeadAndItsEndWithoutNettysOwnFields() {
        EmbeddedChannel channel = new EmbeddedChannel(new StreamHead(8192, 100));
        channel.writeInbound(request("/a", 2));

        HttpRequest head = channel.readInbound();
        LastHttpContent end = channel.readInbound();
        assertThat(head).isNotInstanceOf(FullHttpRequest.class);
        assertThat(head.decoderResult().isSuccess()).isTrue();
        assertThat(head.headers().names()).containsExactlyInAnyOrder("host", "x-0", "x-1");
        assertThat(end.content().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
        end.release();
    }

    @Test
    void aLongTargetIs414AndTooManyFields431() {
        EmbeddedChannel channel = new EmbeddedChannel(new StreamHead(16, 3));
        channel.writeInbound(request("/" + "a".repeat(20), 0));
        HttpRequest longTarget = channel.readInbound();
        ((LastHttpContent) channel.readInbound()).release();
        channel.writeInbound(request("/", 3));
        HttpRequest crowded = channel.readInbound();
        ((LastHttpContent) channel.readInbound()).release();

        assertThat(((RequestRejected) longTarget.decoderResult().cause()).status())
                .isEqualTo(HttpResponseStatus.REQUEST_URI_TOO_LONG);
        assertThat(((RequestRejected) crowded.decoderResult().cause()).status())
                .isEqualTo(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }
}
