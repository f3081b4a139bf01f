package dev.herd.spawner.scaling;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AdaptivePolicyTest {
    private final Ticks ticks = new Ticks();
    private final AdaptivePolicy policy = new AdaptivePolicy(1, 16, 4, Duration.ofSeconds(5));

    @Test
    void aQueueGrowsThePoolAtARateThatDoublesUpToTheMaximumRate() {
        assertThat(ticks.run(policy, 1, 0, 40, 5)).containsExactly(2, 4, 8, 12, 16);
    }

    @Test
    void busyLoopsAboveThreeQuartersGrowThePool() {
        Decision d = policy.decide(ticks.at(2, 3, 0));
        assertThat(d.target()).isEqualTo(3);
        assertThat(d.reason()).isEqualTo("2 → 3: 0 queued, 3.0/4 loops busy, 0/2 handlers idle, lost races 9%");
    }

    @Test
    void busynessIsASumOfSharesOfTime() {
        // 4 loops busy 72 % of the time each hold; 76 % grow.
        assertThat(policy.decide(ticks.at(2, 2.88, 0)).target()).isEqualTo(2);
        Decision d = policy.decide(ticks.at(2, 3.04, 0));
        assertThat(d.target()).isEqualTo(3);
        assertThat(d.reason()).startsWith("2 → 3: 0 queued, 3.0/4 loops busy");
    }

    @Test
    void aPoolWhoseLoopsMostlyWaitShrinks() {
        // 8 loops working 1.4 loops' worth: 3 handlers (6 loops) would be busy under a quarter of the time.
        assertThat(policy.decide(ticks.at(4, 1.4, 0)).target()).isEqualTo(4);
        ticks.advance(Duration.ofSeconds(5));
        assertThat(policy.decide(ticks.at(4, 1.4, 0)).target()).isEqualTo(3);
        // 3 handlers with the same work: 2 would be busy 35 % of the time, not a surplus.
        ticks.advance(Duration.ofSeconds(5));
        assertThat(policy.decide(ticks.at(3, 1.4, 0)).target()).isEqualTo(3);
    }

    @Test
    void theGrowthRateStartsOverAfterATickWithoutPressure() {
        ticks.run(policy, 1, 0, 10, 2);
        policy.decide(ticks.at(4, 5, 0));
        assertThat(policy.decide(ticks.at(4, 0, 10)).target()).isEqualTo(5);
    }

    @Test
    void aSurplusRetiresOneHandlerPerIdleTimeout() {
        assertThat(policy.decide(ticks.at(4, 0, 0)).target()).isEqualTo(4);
        ticks.advance(Duration.ofMillis(4_999));
        assertThat(policy.decide(ticks.at(4, 0, 0)).target()).isEqualTo(4);
        ticks.advance(Duration.ofMillis(1));
        Decision shrink = policy.decide(ticks.at(4, 0, 0));
        assertThat(shrink.target()).isEqualTo(3);
        assertThat(shrink.reason()).startsWith("4 → 3: surplus for 5000 ms");
        ticks.advance(Duration.ofSeconds(1));
        assertThat(policy.decide(ticks.at(3, 0, 0)).target()).isEqualTo(3);
        ticks.advance(Duration.ofSeconds(4));
        assertThat(policy.decide(ticks.at(3, 0, 0)).target()).isEqualTo(2);
    }

    @Test
    void anInterruptedSurplusStartsItsTimerOver() {
        policy.decide(ticks.at(4, 0, 0));
        ticks.advance(Duration.ofSeconds(4));
        policy.decide(ticks.at(4, 4, 0)); // 4 of 8 loops busy: no surplus (one fewer would be 4/6)
        ticks.advance(Duration.ofSeconds(4));
        assertThat(policy.decide(ticks.at(4, 0, 0)).target()).isEqualTo(4);
        ticks.advance(Duration.ofSeconds(5));
        assertThat(policy.decide(ticks.at(4, 0, 0)).target()).isEqualTo(3);
    }

    @Test
    void neverBelowMinimumNorAboveMaximum() {
        AdaptivePolicy bounded = new AdaptivePolicy(2, 3, 8, Duration.ofSeconds(1));
        assertThat(ticks.run(bounded, 2, 0, 100, 3)).containsExactly(3, 3, 3);
        assertThat(java.util.Arrays.stream(ticks.run(bounded, 3, 0, 0, 6)).boxed().toList()).allMatch(t -> t >= 2).contains(2);
        assertThat(bounded.decide(ticks.at(3, 6, 0)).reason()).startsWith("at --max-handlers 3");
    }
}
