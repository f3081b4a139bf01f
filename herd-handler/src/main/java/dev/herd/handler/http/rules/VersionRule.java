package dev.herd.handler.http.rules;

import dev.herd.handler.http.RequestRejected;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * RFC 9110 §6.2, RFC 9112 §2.3: herd speaks HTTP/1.0 and HTTP/1.1 on this connection. Another
 * major version is answered 505 (HTTP/2 and 3 are not spoken as HTTP/1 text); a later HTTP/1
 * minor version is served as HTTP/1.1, the highest herd conforms to. The codec has checked the
 * spelling ({@code HTTP/} DIGIT "." DIGIT).
 */
final class VersionRule extends RequestRule {
    static final VersionRule INSTANCE = new VersionRule();

    private VersionRule() {
    }

    @Override
    RequestRejected check(HttpRequest head) {
        HttpVersion version = head.protocolVersion();
        if (version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0) {
            return null;
        }
        if (version.majorVersion() != 1) {
            return new RequestRejected(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    version.text() + " is not spoken here; HTTP/1.1 is");
        }
        if (version.minorVersion() > 1) {
            head.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        return null;
    }
}
