package dev.herd.handler.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/1.1 server codec: Netty's request decoder and response encoder, with the syntax checks
 * that need the raw bytes of a request head, which Netty's decoder tolerates or rewrites before
 * anyone else can see them (RFC 9112):
 * <ul>
 *   <li>the request line is exactly {@code method SP request-target SP HTTP-version}: one space
 *       each, no tabs (§3), and the version is spelt {@code HTTP/} in capitals (§2.3);</li>
 *   <li>no field line starts with whitespace: neither a first line after the request line (§2.2)
 *       nor a folded continuation (obs-fold, §5.2), which Netty would join to the previous value;</li>
 *   <li>a head has at most {@code maxFields} field lines (431 past them), which Netty does not count;</li>
 *   <li>every chunk line of a chunked body keeps to the grammar, extensions included (§7.1,
 *       {@link ChunkLines}): a line off it ends the body with a failed piece (400).</li>
 * </ul>
 * A request that breaks one becomes a failed request ({@link RequestRejected}, 400 or 431) and the
 * rest of the connection's input is dropped, as Netty does with what it cannot parse.
 *
 * <p>It also keeps the head's deadline ({@code --header-timeout}): from the first byte of a head
 * that does not arrive whole in one read, the client has that long to send the rest, or it gets
 * 408 and the connection closes. A timer runs only while a head is incomplete: heads that come in
 * one read, nearly all of them, cost none.
 *
 * <p>The encoder leaves out the body of a response to HEAD, as {@code HttpServerCodec}'s does:
 * the decoder notes each request's method in order, the encoder takes them in order.
 */
public final class RequestCodec extends CombinedChannelDuplexHandler<RequestCodec.Decoder, RequestCodec.Encoder> {
    /** Whether each request not yet answered was a HEAD, in order. */
    private final ArrayDeque<Boolean> heads = new ArrayDeque<>();

    private final long headTimeoutNanos;
    private final int maxFields;

    /** @param maxFields the most field lines a head may have ({@code --max-headers}); more get 431 */
    public RequestCodec(HttpDecoderConfig config, int maxFields, Duration headTimeout) {
        this.headTimeoutNanos = headTimeout.toNanos();
        this.maxFields = maxFields;
        init(new Decoder(config), new Encoder());
    }

    public final class Decoder extends HttpRequestDecoder {
        /** Before the end of the current request's head: its lines are checked as they complete. */
        private boolean inHead = true;
        /** Whether the request line has been seen (empty lines before it are allowed, §2.2). */
        private boolean requestLineSeen;
        /** Field lines of the current head seen so far. */
        private int fields;
        /** Bytes from the reader index on that have been checked already: whole lines. */
        private int checked;
        /** After a rejected head: everything else is dropped. */
        private boolean discarding;
        /** Fires at the deadline of a head that has begun to arrive; null between heads. */
        private ScheduledFuture<?> headDeadline;
        /** The chunk lines of the current body, checked as Netty consumes them; null outside a chunked body. */
        private ChunkLines chunkLines;

        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (discarding) {
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            if (inHead) {
                RequestRejected problem = checkHeadLines(buffer);
                if (problem != null) {
                    buffer.skipBytes(buffer.readableBytes());
                    out.add(reject(problem));
                    return;
                }
            }
            int before = buffer.readerIndex();
            int from = out.size();
            super.decode(ctx, buffer, out);
            checked = Math.max(0, checked - (buffer.readerIndex() - before));
            if (chunkLines != null) {
                checkChunkLines(buffer, before, out, from);
            }
            for (int i = from; i < out.size(); i++) {
                Object message = out.get(i);
                if (message instanceof HttpRequest request) {
                    cancelDeadline();
                    heads.add(HttpMethod.HEAD.equals(request.method()));
                    if (!request.decoderResult().isSuccess()) {
                        discarding = true;
                    } else if (HttpUtil.isTransferEncodingChunked(request)) {
                        chunkLines = new ChunkLines();
                    }
                } else if (message instanceof HttpContent content && !content.decoderResult().isSuccess()) {
                    // Netty found the body broken (its own chunk checks): it drops the rest, and so do we.
                    discarding = true;
                    chunkLines = null;
                }
                if (message instanceof LastHttpContent) {
                    chunkLines = null;
                    inHead = true;
                    requestLineSeen = false;
                    fields = 0;
                    checked = 0;
                }
            }
            if (inHead && !discarding && (requestLineSeen || buffer.isReadable()) && headDeadline == null) {
                headDeadline = ctx.executor().schedule(() -> headTimedOut(ctx), headTimeoutNanos, TimeUnit.NANOSECONDS);
            }
        }

        /**
         * Follows the chunk lines among the bytes this step consumed ({@link ChunkLines}); a line
         * off the grammar withdraws what the step produced (it all came after that line) and ends
         * the body with a failed piece, which the exchange answers 400.
         */
        private void checkChunkLines(ByteBuf buffer, int before, List<Object> out, int from) {
            String problem = chunkLines.consumed(buffer, before, buffer.readerIndex());
            if (problem == null) {
                if (chunkLines.done()) {
                    chunkLines = null;
                }
                return;
            }
            chunkLines = null;
            discarding = true;
            buffer.skipBytes(buffer.readableBytes());
            while (out.size() > from) {
                ReferenceCountUtil.release(out.remove(out.size() - 1));
            }
            LastHttpContent broken = new DefaultLastHttpContent();
            broken.setDecoderResult(DecoderResult.failure(RequestRejected.badRequest(problem)));
            out.add(broken);
        }

        /** A failed request that the exchange answers; whatever else the client sends is dropped. */
        private HttpRequest reject(RequestRejected why) {
            cancelDeadline();
            discarding = true;
            HttpRequest invalid = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
            invalid.setDecoderResult(DecoderResult.failure(why));
            heads.add(Boolean.FALSE);
            return invalid;
        }

        private void headTimedOut(ChannelHandlerContext ctx) {
            headDeadline = null;
            if (inHead && !discarding && ctx.channel().isActive()) {
                ctx.fireChannelRead(reject(new RequestRejected(HttpResponseStatus.REQUEST_TIMEOUT,
                        "the request head did not arrive within " + TimeUnit.NANOSECONDS.toMillis(headTimeoutNanos)
                                + " ms")));
            }
        }

        private void cancelDeadline() {
            if (headDeadline != null) {
                headDeadline.cancel(false);
                headDeadline = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancelDeadline();
            super.channelInactive(ctx);
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
            cancelDeadline();
            super.handlerRemoved0(ctx);
        }

        /** Checks the head's lines that have arrived whole since the last call; a problem, or null. */
        private RequestRejected checkHeadLines(ByteBuf buffer) {
            int end = buffer.writerIndex();
            int lineStart = buffer.readerIndex() + checked;
            while (lineStart < end) {
                int lf = buffer.indexOf(lineStart, end, (byte) '\n');
                if (lf < 0) {
                    break;
                }
                boolean empty = lf == lineStart || lf == lineStart + 1 && buffer.getByte(lineStart) == '\r';
                if (!requestLineSeen) {
                    requestLineSeen = !empty;
                } else if (empty) {
                    inHead = false;
                    checked = lf + 1 - buffer.readerIndex();
                    return null;
                } else {
                    byte first = buffer.getByte(lineStart);
                    if (first == ' ' || first == '\t') {
                        return RequestRejected.badRequest(
                                "a field line starts with whitespace (obs-fold, or whitespace after the request line)");
                    }
                    if (++fields > maxFields) {
                        return new RequestRejected(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                                "more than " + maxFields + " header fields");
                    }
                }
                lineStart = lf + 1;
            }
            checked = lineStart - buffer.readerIndex();
            return null;
        }

        @Override
        protected String splitFirstWordInitialLine(byte[] line, int start, int length) {
            requireOneSpaceAfter(line, start + length, "method");
            return super.splitFirstWordInitialLine(line, start, length);
        }

        @Override
        protected String splitSecondWordInitialLine(byte[] line, int start, int length) {
            requireOneSpaceAfter(line, start + length, "request target");
            return super.splitSecondWordInitialLine(line, start, length);
        }

        @Override
        protected String splitThirdWordInitialLine(byte[] line, int start, int length) {
            if (length < 5 || line[start] != 'H' || line[start + 1] != 'T' || line[start + 2] != 'T'
                    || line[start + 3] != 'P' || line[start + 4] != '/') {
                throw RequestRejected.badRequest("the HTTP version is not spelt HTTP/x.y");
            }
            return super.splitThirdWordInitialLine(line, start, length);
        }

        private static void requireOneSpaceAfter(byte[] line, int at, String what) {
            if (at + 1 >= line.length || line[at] != ' ' || isWhitespace(line[at + 1])) {
                throw RequestRejected.badRequest("the " + what + " is not followed by exactly one space");
            }
        }

        private static boolean isWhitespace(byte b) {
            return b == ' ' || b == '\t' || b == 0x0b || b == '\f' || b == '\r';
        }
    }

    public final class Encoder extends HttpResponseEncoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(response);
            }
            Boolean head = heads.poll();
            return Boolean.TRUE.equals(head) || super.isContentAlwaysEmpty(response);
        }
    }
}
