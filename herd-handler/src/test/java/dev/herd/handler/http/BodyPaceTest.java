package dev.herd.handler.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link BodyPace}: when a client sending a body is late. */
class BodyPaceTest {
    private static final long S = 1_000_000_000L;

    @ParameterizedTest(name = "silent {1} s, {2} s in, {3} bytes, at least {0} B/s: late {4}")
    @CsvSource({
            // min rate, silent s, elapsed s, received, late
            "500, 0, 1, 0, false",
            "500, 21, 21, 0, true",          // a pause longer than the timeout
            "500, 0, 19, 19, false",         // a byte a second, within the first timeout
            "500, 0, 21, 21, true",          // ...and past it
            "500, 0, 21, 1000, false",       // 1,000 bytes earned 2 s more: 22 s
            "500, 0, 23, 1000, true",
            "500, 5, 100, 100000, false",    // a fast upload earns its time
            "0, 0, 1000, 1, false",          // no minimum: only pauses count
            "0, 21, 21, 1, true",
    })
    void isLateAfterAPauseOrBelowTheRate(long minRate, long silent, long elapsed, long received, boolean late) {
        BodyPace pace = new BodyPace(Duration.ofSeconds(20), minRate);
        assertThat(pace.late(silent * S, elapsed * S, received)).as("why late").matches(why -> (why != null) == late);
    }
}
