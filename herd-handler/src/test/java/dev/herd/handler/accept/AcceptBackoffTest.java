package dev.herd.handler.accept;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptBackoffTest {
    private final AcceptBackoff backoff = new AcceptBackoff(Duration.ofMillis(10), Duration.ofMillis(100));

    @Test
    void pausesDoubleFromTheFirstUpToTheMax() {
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(10));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(20));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(40));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(80));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aSuccessStartsOver() {
        backoff.onFailure();
        backoff.onFailure();
        backoff.onFailure();
        backoff.onSuccess();
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(10));
        assertThat(backoff.onFailure()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void onlyTheFirstFailureOfARunIsFirstInRow() {
        assertThat(backoff.firstInRow()).isFalse();
        backoff.onFailure();
        assertThat(backoff.firstInRow()).isTrue();
        backoff.onFailure();
        assertThat(backoff.firstInRow()).isFalse();
        backoff.onFailure();
        assertThat(backoff.firstInRow()).isFalse();

        backoff.onSuccess();
        assertThat(backoff.firstInRow()).isFalse();
        backoff.onFailure();
        assertThat(backoff.firstInRow()).isTrue();
    }
}
