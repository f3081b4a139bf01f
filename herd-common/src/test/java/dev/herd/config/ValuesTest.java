package dev.herd.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ValuesTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "30s,   PT30S",
            "2m,    PT2M",
            "1h,    PT1H",
            "0s,    PT0S",
            "' 15S ', PT15S",
    })
    void durationsWithAUnitParse(String text, Duration expected) {
        assertThat(Values.duration(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "5x", "", "s", "-1s", "1.5s", "10 ms"})
    void durationsWithoutAUnitAreRefusedNamingTheForms(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Values.duration(text))
                .withMessageContaining("500ms, 30s, 2m or 1h");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 500, 999, 1000, 1500, 30_000, 60_000, 90_000, 120_000, 3_600_000, 5_400_000, 7_200_000})
    void formatRoundTrips(long millis) {
        Duration d = Duration.ofMillis(millis);
        assertThat(Values.duration(Values.format(d))).isEqualTo(d);
    }

    @ParameterizedTest
    @CsvSource({
            "500,       500ms",
            "30000,     30s",
            "90000,     90s",
            "120000,    2m",
            "3600000,   1h",
            "0,         0s",
    })
    void formatPicksTheShortestExactUnit(long millis, String expected) {
        assertThat(Values.format(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "100b, 100",
            "512k, 524288",
            "64m,  67108864",
            "1g,   1073741824",
            "1M,   1048576",
    })
    void sizesWithAUnitParse(String text, long expected) {
        assertThat(Values.size(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "", "k", "1t", "-1k", "1.5m"})
    void sizesWithoutAUnitAreRefusedNamingTheForms(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Values.size(text))
                .withMessageContaining("512k, 64m or 1g");
    }

    @Test
    void sizeThatOverflowsALongIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Values.size("999999999999g"))
                .withMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "7, 7", "' 4 ', 4"})
    void integersWithinBoundsParse(String text, int expected) {
        assertThat(Values.integer(text, 1, 7)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "8", "-1", "two", "", "2147483648"})
    void integersOutsideBoundsAreRefusedNamingTheRange(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Values.integer(text, 1, 7))
                .withMessageContaining("from 1 to 7");
    }
}
