package dev.herd.handler.http;

import java.time.Duration;

/**
 * How slowly a client may send a request body it owes ({@code --body-timeout},
 * {@code --body-min-rate}): it may pause for at most {@code timeout}, and after a first
 * {@code timeout} the body must have come at {@code minRate} bytes per second on average (one more
 * second allowed per {@code minRate} bytes received, as Apache's {@code mod_reqtimeout} counts).
 * A client that trickles a byte a second never pauses long, yet is late after about
 * {@code timeout}; a large upload at a fair speed earns its time as it goes.
 *
 * @param minRate bytes per second; 0: no minimum, only the pause counts
 */
public record BodyPace(Duration timeout, long minRate) {

    public BodyPace {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the body timeout must be positive, got " + timeout);
        }
        if (minRate < 0) {
            throw new IllegalArgumentException("the minimum body rate must not be negative, got " + minRate);
        }
    }

    /**
     * Why a client is late, or null while it is not.
     *
     * @param silentNanos  since the client last sent anything
     * @param elapsedNanos since the body began to arrive, less the time herd did not read it
     * @param received     body bytes received so far
     */
    public String late(long silentNanos, long elapsedNanos, long received) {
        long timeoutNanos = timeout.toNanos();
        if (silentNanos > timeoutNanos) {
            return "the client sent no body for " + timeout.toMillis() + " ms";
        }
        if (minRate > 0) {
            // Nanoseconds earned by the bytes received, saturated: a body never earns forever.
            double earned = received * 1e9 / minRate;
            if (elapsedNanos > timeoutNanos + Math.min(earned, Long.MAX_VALUE / 2.0)) {
                return "the client sent " + received + " body bytes in " + elapsedNanos / 1_000_000
                        + " ms, slower than " + minRate + " bytes/s";
            }
        }
        return null;
    }
}
