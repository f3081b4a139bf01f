package dev.herd.handler.accept;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class FairShareTest {

    @ParameterizedTest(name = "{0} connections against a mean of {1}: defer = {2}")
    @CsvSource({
            // Small counts never defer: the slack covers them.
            "0, 0.0, false",
            "2, 0.0, false",
            "3, 0.0, true",
            "3, 1.0, false",
            // Around a mean of 12.5 (50 connections over 4 loops) the bound is 17.6.
            "12, 12.5, false",
            "17, 12.5, false",
            "18, 12.5, true",
            "40, 12.5, true",
    })
    void defersOnlyClearlyAboveTheMean(long mine, double mean, boolean defer) {
        assertThat(FairShare.shouldDefer(mine, mean)).isEqualTo(defer);
        assertThat(FairShare.shouldDefer(mine, () -> mean)).isEqualTo(defer);
    }

    @ParameterizedTest(name = "{0} connections against a mean of {1}: shed = {2}")
    @CsvSource({
            "3, 0.0, false",
            "4, 0.0, true",
            "4, 1.0, false",
            // Around a mean of 12.5 a loop defers above 17.6 and sheds only above 18.6, so the
            // client it sheds finds it deferring still.
            "18, 12.5, false",
            "19, 12.5, true",
            "40, 12.5, true",
    })
    void shedsOnlyWhileOneConnectionFewerWouldStillDefer(long mine, double mean, boolean shed) {
        assertThat(FairShare.shouldShed(mine, mean)).isEqualTo(shed);
        assertThat(FairShare.shouldShed(mine, () -> mean)).isEqualTo(shed);
        if (shed) {
            assertThat(FairShare.shouldDefer(mine - 1, mean)).as("defers the client it shed").isTrue();
        }
    }

    @org.junit.jupiter.api.Test
    void aLoopWithinTheSlackDoesNotReadTheScoreboard() {
        assertThat(FairShare.shouldDefer(FairShare.SLACK, () -> {
            throw new AssertionError("mean read");
        })).isFalse();
        assertThat(FairShare.shouldShed(FairShare.SLACK + 1, () -> {
            throw new AssertionError("mean read");
        })).isFalse();
    }
}
