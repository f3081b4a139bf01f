package dev.herd.handler.http.rules;

import dev.herd.handler.http.RequestRejected;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Locale;

/**
 * RFC 9112 §3.2: the request target is in origin form ({@code /path?query}), in absolute form
 * ({@code http://host/path?query}, which a server MUST accept: the application gets the origin
 * form, and the target's authority replaces the Host field, §3.2.2), or {@code *} for OPTIONS
 * (§3.2.4). Anything else is 400, as is a character RFC 3986 does not allow there (controls,
 * spaces, non-ASCII bytes, {@code "<>\^`{|}}, a fragment's {@code #}) or a broken {@code %}
 * escape. CONNECT (authority form) asks for a tunnel, which herd does not make: 501.
 */
final class TargetRule extends RequestRule {
    static final TargetRule INSTANCE = new TargetRule();

    private TargetRule() {
    }

    @Override
    RequestRejected check(HttpRequest head) {
        if (HttpMethod.CONNECT.equals(head.method())) {
            return new RequestRejected(HttpResponseStatus.NOT_IMPLEMENTED, "CONNECT: herd makes no tunnels");
        }
        String uri = head.uri();
        if (uri.startsWith("/")) {
            return Uris.isPathAndQuery(uri, 0) ? null : RequestRejected.badRequest("an invalid character in the request target");
        }
        if (uri.equals("*")) {
            return HttpMethod.OPTIONS.equals(head.method()) ? null
                    : RequestRejected.badRequest("the asterisk target is for OPTIONS only");
        }
        if (isAbsoluteForm(uri)) {
            return toOriginForm(head, uri);
        }
        return RequestRejected.badRequest("the request target is neither a path, an absolute URI nor *");
    }

    /** Whether the target starts with a scheme and a colon (RFC 3986 §3.1). */
    static boolean isAbsoluteForm(String uri) {
        if (uri.isEmpty() || !Uris.isAlpha(uri.charAt(0))) {
            return false;
        }
        for (int i = 1; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == ':') {
                return true;
            }
            if (!Uris.isAlpha(c) && !Uris.isDigit(c) && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return false;
    }

    private static RequestRejected toOriginForm(HttpRequest head, String uri) {
        int colon = uri.indexOf(':');
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return RequestRejected.badRequest("an absolute target of scheme " + scheme + ": herd serves http and https");
        }
        if (!uri.startsWith("//", colon + 1)) {
            return RequestRejected.badRequest("an absolute target without an authority");
        }
        int authorityStart = colon + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < uri.length() && uri.charAt(authorityEnd) != '/' && uri.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = uri.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0) {
            return RequestRejected.badRequest("an absolute target with userinfo");
        }
        if (authority.isEmpty() || authority.startsWith(":") || !HostRule.isValidHost(authority)) {
            return RequestRejected.badRequest("an absolute target with an invalid host");
        }
        if (!Uris.isPathAndQuery(uri, authorityEnd)) {
            return RequestRejected.badRequest("an invalid character in the request target");
        }
        String rest = uri.substring(authorityEnd);
        head.setUri(rest.startsWith("/") ? rest : "/" + rest);
        head.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }
}
