package dev.herd.handler.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The Date header (RFC 9110 §6.6.1: an origin server with a clock must send it), formatted once
 * per second per event loop instead of once per response. The format is IMF-fixdate (§5.6.7),
 * whose day has two digits: {@code RFC_1123_DATE_TIME} writes "5 Jan", which is not it.
 */
final class HttpDate {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US).withZone(ZoneOffset.UTC);
    private static final ThreadLocal<HttpDate> PER_THREAD = ThreadLocal.withInitial(HttpDate::new);

    private long second = Long.MIN_VALUE;
    private String text = "";

    static String now() {
        return PER_THREAD.get().at(System.currentTimeMillis() / 1000);
    }

    private String at(long epochSecond) {
        if (epochSecond != second) {
            second = epochSecond;
            text = FORMAT.format(Instant.ofEpochSecond(epochSecond));
        }
        return text;
    }
}
