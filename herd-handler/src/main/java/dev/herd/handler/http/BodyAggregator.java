package dev.herd.handler.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Third in the pipeline, after the codec: {@link HttpObjectAggregator} with one change. A body
 * over the limit is passed on as a failed request, as the codec passes on a request line or header
 * block over its limit, and {@link HttpExchangeHandler} answers it with 413 in its turn.
 *
 * <p>Netty's aggregator writes its 413 itself, at once: behind a pipelined request still being
 * answered it would go out first, and the client would take it for the earlier request's response
 * (RFC 9112 §9.3.2 wants responses in request order).
 */
final class BodyAggregator extends HttpObjectAggregator {

    BodyAggregator(int maxBody) {
        super(maxBody, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest request)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        // The aggregator releases `oversized` after this call and discards the rest of its body.
        FullHttpRequest failed = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                request.uri(), Unpooled.EMPTY_BUFFER);
        failed.setDecoderResult(DecoderResult.failure(
                new TooLongFrameException("request body over " + maxContentLength() + " bytes")));
        ctx.fireChannelRead(failed);
    }
}
