package dev.herd.spawner;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The clock is plain nanos handed in; nothing waits. */
class BootFailuresTest {
    private static final long SECOND = 1_000_000_000L;

    private final BootFailures failures = new BootFailures(4, Duration.ofSeconds(1), Duration.ofSeconds(4));

    @Test
    void aFreshCountMaySpawnAtOnce() {
        assertThat(failures.maySpawn(0)).isTrue();
        assertThat(failures.maySpawn(-5 * SECOND)).isTrue();
        assertThat(failures.gaveUp()).isFalse();
        assertThat(failures.inRow()).isZero();
    }

    @Test
    void delaysDoubleUpToTheMax() {
        assertThat(failures.failed(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(failures.failed(0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(failures.failed(0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(failures.inRow()).isEqualTo(3);

        BootFailures patient = new BootFailures(1000, Duration.ofMillis(1), Duration.ofMinutes(1));
        Duration last = Duration.ZERO;
        for (int i = 0; i < 100; i++) {
            last = patient.failed(0);
        }
        assertThat(last).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void noSpawnBeforeTheDelayHasPassed() {
        long now = 100 * SECOND;
        failures.failed(now);
        assertThat(failures.notBeforeNanos()).isEqualTo(now + SECOND);
        assertThat(failures.maySpawn(now)).isFalse();
        assertThat(failures.maySpawn(now + SECOND - 1)).isFalse();
        assertThat(failures.maySpawn(now + SECOND)).isTrue();

        failures.failed(now + SECOND);
        assertThat(failures.maySpawn(now + 2 * SECOND)).isFalse();
        assertThat(failures.maySpawn(now + 3 * SECOND)).isTrue();
    }

    @Test
    void theDeadlineSurvivesTheNanoClockWrappingAround() {
        long now = Long.MAX_VALUE - SECOND / 2;
        failures.failed(now);
        assertThat(failures.maySpawn(now + SECOND / 4)).isFalse();
        assertThat(failures.maySpawn(now + SECOND)).isTrue(); // wrapped to a negative reading
    }

    @Test
    void aReadyHandlerResetsTheCount() {
        failures.failed(0);
        failures.failed(0);
        failures.failed(0);
        failures.succeeded();

        assertThat(failures.inRow()).isZero();
        assertThat(failures.maySpawn(0)).isTrue();
        assertThat(failures.failed(10 * SECOND)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void givesUpAfterTheLimitInARow() {
        for (int i = 0; i < 3; i++) {
            failures.failed(i * 10 * SECOND);
            assertThat(failures.gaveUp()).as("after %d failures", i + 1).isFalse();
        }
        failures.failed(40 * SECOND);
        assertThat(failures.gaveUp()).isTrue();
    }

    @Test
    void onlyFailuresInARowCount() {
        failures.failed(0);
        failures.failed(0);
        failures.failed(0);
        failures.succeeded();
        failures.failed(0);
        failures.failed(0);
        failures.failed(0);
        assertThat(failures.gaveUp()).isFalse();
    }
}
