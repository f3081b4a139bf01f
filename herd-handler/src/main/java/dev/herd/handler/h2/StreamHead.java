package dev.herd.handler.h2;

import dev.herd.handler.http.RequestRejected;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * The limits of an HTTP/1.1 request head that HTTP/2's own do not cover, for a stream's request:
 * the length of its target ({@code --max-initial-line}, 414 past it) and its count of fields
 * ({@code --max-headers}, 431). Also drops the fields Netty's conversion adds for its own use
 * ({@code x-http2-stream-id}, {@code x-http2-scheme}): the application sees the client's fields.
 */
final class StreamHead extends ChannelInboundHandlerAdapter {
    private final int maxTarget;
    private final int maxFields;

    StreamHead(int maxTarget, int maxFields) {
        this.maxTarget = maxTarget;
        this.maxFields = maxFields;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest full) {
            // A HEADERS frame that ends the stream: a head and an empty end, as HTTP/1.1's codec
            // gives them, which is what the exchange reads.
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            head.setDecoderResult(full.decoderResult());
            check(head);
            ctx.fireChannelRead(head);
            ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            return;
        }
        if (msg instanceof HttpRequest head) {
            check(head);
        }
        ctx.fireChannelRead(msg);
    }

    private void check(HttpRequest head) {
        if (head.decoderResult().isSuccess()) {
            for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
                head.headers().remove(name.text());
            }
            if (head.uri().length() > maxTarget) {
                head.setDecoderResult(DecoderResult.failure(new RequestRejected(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                        "the request target is longer than " + maxTarget + " bytes")));
            } else if (head.headers().size() > maxFields) {
                head.setDecoderResult(DecoderResult.failure(new RequestRejected(
                        HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "more than " + maxFields + " fields")));
            }
        }
    }
}
