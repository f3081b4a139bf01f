package dev.herd.handler.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A cleartext address's answer with {@code --tls-redirect}: every request is sent to the same
 * URL over https, on the port of the first TLS address, with 308 Permanent Redirect (which, unlike
 * 301, keeps the method and body of a POST). The host is the request's own {@code Host}, which
 * the pipeline's rules have checked; its port is replaced.
 *
 * @param httpsPort the TLS address's port; left out of the URL when it is 443
 */
public record RedirectService(int httpsPort) implements HttpService {

    @Override
    public BodyMode bodyMode(HttpRequest head) {
        return BodyMode.WHOLE;
    }

    @Override
    public void serve(HttpCall call) {
        HttpRequest head = call.head();
        String host = head.headers().get(HttpHeaderNames.HOST);
        String target = head.uri();
        if (!target.startsWith("/") && !target.equals("*")) {
            // The absolute form: its authority is the host (RFC 9112 §3.2.2).
            java.net.URI absolute = java.net.URI.create(target);
            host = absolute.getRawAuthority();
            target = (absolute.getRawPath() == null || absolute.getRawPath().isEmpty() ? "/" : absolute.getRawPath())
                    + (absolute.getRawQuery() == null ? "" : "?" + absolute.getRawQuery());
        }
        if (host == null || host.isBlank()) {
            HttpResponse refused = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
            refused.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            call.respond(refused, Unpooled.copiedBuffer("A request here is sent on to https, which needs its Host\n",
                    java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        String location = location(host, target, httpsPort);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT);
        response.headers().set(HttpHeaderNames.LOCATION, location).set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        call.respond(response, Unpooled.copiedBuffer("Moved to " + location + "\n", java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@code https://HOST[:PORT]TARGET} for a request to {@code host} (which may carry a port) for {@code target}. */
    static String location(String host, String target, int httpsPort) {
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        String path = target.startsWith("/") ? target : "/";
        return "https://" + name + (httpsPort == 443 ? "" : ":" + httpsPort) + path;
    }
}
