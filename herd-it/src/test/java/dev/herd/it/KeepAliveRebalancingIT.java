package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.testkit.Await;
import dev.herd.testkit.ClientLoad;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keep-alive clients follow a pool that grows under them. 32 clients, each on one persistent
 * connection, load a single handler with CPU-bound requests; the adaptive policy grows the pool,
 * and the loops holding more than their share of connections ask clients to reconnect, until the
 * new handlers serve their share too. Not one request fails.
 */
class KeepAliveRebalancingIT {
    private static final int CLIENTS = 32;
    private static final int HANDLERS = 3;
    /** A handler must serve its share from this long after it is ready. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** Answers counted in the window over which the shares are measured. */
    private static final long WINDOW = 600;

    @Test
    void everyHandlerOfAGrownPoolServesItsShareOfKeepAliveClients() {
        try (HerdProcess herd = HerdProcess.serve("keepalive-rebalancing", "--scaling", "adaptive",
                "--min-handlers", "1", "--max-handlers", String.valueOf(HANDLERS), "--threads", "2",
                "--scale-interval", "250ms", "--max-spawn-rate", "2", "--idle-timeout", "60s")) {
            herd.awaitReady(1);
            ClientLoad load = ClientLoad.keepAlive(herd.address(), "/spin?ms=5", CLIENTS, "X-Herd-Slot");
            Map<String, Long> shares;
            JsonNode status;
            try {
                Map<String, Long> readyAt = new HashMap<>();
                herd.awaitHandlers(HANDLERS + " handlers ready under the load", Duration.ofSeconds(15), s -> {
                    for (JsonNode h : s.path("handlers")) {
                        if (HerdProcess.readyPids(s).contains(h.path("pid").asLong())) {
                            readyAt.putIfAbsent(h.path("slot").asText(), System.nanoTime());
                        }
                    }
                    return readyAt.size() == HANDLERS;
                });
                long windowStart = Collections.max(readyAt.values()) + SETTLE.toNanos();
                Await.until("the last handler " + SETTLE.toSeconds() + " s ready", SETTLE.plusSeconds(1),
                        () -> System.nanoTime() - windowStart >= 0);
                Map<String, Long> before = load.tally();
                Await.until(WINDOW + " answers in the window", Duration.ofSeconds(8),
                        () -> total(load.tally()) - total(before) >= WINDOW);
                shares = minus(load.tally(), before);
                status = herd.status();
                assertThat(shares.keySet()).as("handlers that answered in the window").isEqualTo(readyAt.keySet());
            } finally {
                load.stop();
            }

            assertThat(load.failures()).isEmpty();
            long answered = total(shares);
            shares.forEach((slot, served) -> assertThat(served)
                    .as("answers of handler %s out of %d: %s", slot, answered, shares)
                    .isGreaterThanOrEqualTo(answered / (2L * HANDLERS)));
            long rebalanced = 0;
            for (JsonNode h : status.path("handlers")) {
                rebalanced += h.path("rebalance_closes").asLong();
            }
            assertThat(rebalanced).as("connections asked to reconnect").isPositive();
            assertThat(load.connectionsOpened()).as("connections opened").isGreaterThan(CLIENTS);
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private static long total(Map<String, Long> tally) {
        return tally.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> window = new HashMap<>();
        for (String key : after.keySet()) {
            long served = after.get(key) - before.getOrDefault(key, 0L);
            if (served > 0) {
                window.put(key, served);
            }
        }
        return window;
    }
}
