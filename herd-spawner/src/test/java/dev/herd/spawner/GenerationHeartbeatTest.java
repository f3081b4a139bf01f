package dev.herd.spawner;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class GenerationHeartbeatTest {

    @ParameterizedTest(name = "timeout {0} → heartbeat {1}")
    @CsvSource({
            "PT0.1S, PT0.05S",  // a quarter is 25ms: raised to the 50ms floor
            "PT0.2S, PT0.05S",
            "PT0.4S, PT0.1S",
            "PT1S,   PT0.25S",
            "PT2S,   PT0.5S",
            "PT4S,   PT1S",
            "PT30S,  PT1S",     // a quarter is 7.5s: capped at 1s
            "PT1H,   PT1S",
    })
    void aQuarterOfTheTimeoutWithinBounds(Duration timeout, Duration heartbeat) {
        assertThat(Generation.heartbeatFor(timeout)).isEqualTo(heartbeat);
    }
}
