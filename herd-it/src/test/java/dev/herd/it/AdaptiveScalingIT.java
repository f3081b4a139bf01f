package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.testkit.ClientLoad;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adaptive policy grows the pool under load and shrinks it after the load, losing nothing. The
 * load is blocking application code (a virtual thread sleeping per request): busy for the policy,
 * though it burns no CPU, where an asynchronous wait of the same length would count nothing.
 */
class AdaptiveScalingIT {

    @Test
    void growsUnderLoadAndReturnsToOneAfterTheIdleTimeoutWithoutAFailedRequest() {
        try (HerdProcess herd = HerdProcess.serve("adaptive-scaling", "--scaling", "adaptive",
                "--min-handlers", "1", "--max-handlers", "4", "--idle-timeout", "2s", "--scale-interval", "500ms",
                "--app", "dev.herd.testapps.BlockingApp", "--classpath", ApplicationIT.CLASSPATH)) {
            herd.awaitReady(1);
            ClientLoad load = ClientLoad.start(herd.address(), "/slow?ms=50", 32, Long.MAX_VALUE);
            try {
                JsonNode grown = herd.awaitHandlers("at least 3 handlers serving", Duration.ofSeconds(10),
                        s -> HerdProcess.readyPids(s).size() >= 3);
                assertThat(grown.path("target_handlers").asInt()).isBetween(3, 4);
            } finally {
                load.stop();
            }
            herd.awaitHandlers("the pool back to 1 handler", Duration.ofSeconds(30),
                    s -> HerdProcess.allPids(s).size() == 1 && s.path("target_handlers").asInt() == 1);

            assertThat(load.failures()).isEmpty();
            assertThat(load.succeeded()).isPositive();
            assertThat(herd.output())
                    .containsPattern("scale +|\\] 1 → [2-4]: \\d+ queued, [\\d.]+/\\d+ loops busy")
                    .containsPattern("[2-4] → [1-3]: surplus for \\d+ ms")
                    .contains("drains and exits: target is");
            JsonNode events = herd.status().path("events");
            assertThat(events.findValuesAsText("kind")).contains("scale", "shrink");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }
}
