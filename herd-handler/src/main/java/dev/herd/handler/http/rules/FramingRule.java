package dev.herd.handler.http.rules;

import dev.herd.handler.http.RequestRejected;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * How the body is framed, beyond what Netty's decoder enforces (a Content-Length that is one
 * plain number, no Content-Length beside Transfer-Encoding, no Transfer-Encoding on HTTP/1.0,
 * chunked last, RFC 9112 §6):
 * <ul>
 *   <li>chunked is the only transfer coding herd decodes: one before it (gzip, chunked) is
 *       answered 501 (§6.1); chunked twice is 400 (RFC 9112 §7: it is applied once);</li>
 *   <li>a GET with the two keys of the 2010 WebSocket draft (Hixie-76) is read by Netty with an
 *       8-byte body no header declares, which no other reader of the stream would do: 400.</li>
 * </ul>
 */
final class FramingRule extends RequestRule {
    static final FramingRule INSTANCE = new FramingRule();

    private FramingRule() {
    }

    @Override
    RequestRejected check(HttpRequest head) {
        HttpHeaders headers = head.headers();
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            int chunked = 0;
            for (String field : headers.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
                for (String coding : field.split(",")) {
                    String name = coding.strip();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(name)) {
                        return new RequestRejected(HttpResponseStatus.NOT_IMPLEMENTED,
                                "transfer coding " + name + ": herd decodes chunked only");
                    }
                    chunked++;
                }
            }
            if (chunked != 1) {
                return RequestRejected.badRequest("chunked applied more than once");
            }
        }
        if (HttpMethod.GET.equals(head.method()) && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY1)
                && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY2)) {
            return RequestRejected.badRequest("a Hixie-76 WebSocket handshake, whose body no header frames");
        }
        return null;
    }
}
