package dev.herd.handler.http.rules;

import dev.herd.handler.http.RequestRejected;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;

/**
 * RFC 9112 §3.2: an HTTP/1.1 request carries exactly one Host field, and a request with more than
 * one, or with a Host that is not a valid {@code uri-host [ ":" port ]} (RFC 3986 §3.2.2), is
 * answered 400. An empty Host is valid (a target without an authority). HTTP/1.0 may leave it
 * out. With an absolute-form target the target's authority is the host and the field is ignored
 * ({@link TargetRule} checks that one), though it still has to be there, once.
 */
final class HostRule extends RequestRule {
    static final HostRule INSTANCE = new HostRule();

    private HostRule() {
    }

    @Override
    RequestRejected check(HttpRequest head) {
        List<String> hosts = head.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return RequestRejected.badRequest("more than one Host field");
        }
        if (hosts.isEmpty()) {
            return head.protocolVersion() == HttpVersion.HTTP_1_0 ? null
                    : RequestRejected.badRequest("an HTTP/1.1 request without a Host field");
        }
        if (TargetRule.isAbsoluteForm(head.uri())) {
            return null;
        }
        return isValidHost(hosts.getFirst()) ? null : RequestRejected.badRequest("an invalid Host field");
    }

    /** {@code uri-host [ ":" port ]}, or empty. */
    static boolean isValidHost(String host) {
        int end = host.length();
        int portColon;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || !isIpLiteral(host, 1, close)) {
                return false;
            }
            if (close + 1 == end) {
                return true;
            }
            if (host.charAt(close + 1) != ':') {
                return false;
            }
            portColon = close + 1;
        } else {
            portColon = host.indexOf(':');
            int nameEnd = portColon < 0 ? end : portColon;
            for (int i = 0; i < nameEnd; i++) {
                char c = host.charAt(i);
                if (c == '%') {
                    if (!Uris.isPercentEncoded(host, i)) {
                        return false;
                    }
                    i += 2;
                } else if (!Uris.isUnreserved(c) && !Uris.isSubDelim(c)) {
                    return false;
                }
            }
            if (portColon < 0) {
                return true;
            }
        }
        for (int i = portColon + 1; i < end; i++) {
            if (host.charAt(i) < '0' || host.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Between the brackets: an IPv6 address (hex digits, colons, dots for an IPv4 tail) or IPvFuture. */
    private static boolean isIpLiteral(String host, int from, int to) {
        if (from == to) {
            return false;
        }
        if (host.charAt(from) == 'v' || host.charAt(from) == 'V') {
            int dot = host.indexOf('.', from);
            if (dot < 0 || dot >= to - 1 || dot == from + 1) {
                return false;
            }
            for (int i = from + 1; i < dot; i++) {
                if (Character.digit(host.charAt(i), 16) < 0) {
                    return false;
                }
            }
            for (int i = dot + 1; i < to; i++) {
                char c = host.charAt(i);
                if (!Uris.isUnreserved(c) && !Uris.isSubDelim(c) && c != ':') {
                    return false;
                }
            }
            return true;
        }
        boolean colon = false;
        for (int i = from; i < to; i++) {
            char c = host.charAt(i);
            colon |= c == ':';
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return colon;
    }
}
