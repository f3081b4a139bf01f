package dev.herd.spawner.scaling;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SparePolicyTest {
    private final Ticks ticks = new Ticks();
    private final SparePolicy policy = new SparePolicy(1, 10, 2, 4, 4, Duration.ofSeconds(3));

    @Test
    void growsUntilThereAreMinSpareIdleHandlers() {
        // 3 handlers, all busy: 0 idle, 2 missing; the rate allows 1 then 2.
        assertThat(policy.decide(ticks.at(3, 6, 0)).target()).isEqualTo(4);
        assertThat(policy.decide(ticks.at(4, 8, 0)).target()).isEqualTo(6);
    }

    @Test
    void handlersStillStartingCountAsSpare() {
        PoolSnapshot starting = new PoolSnapshot(ticks.now(), 5, 3, 0, 2, 6, 0, 2048, 0, 0);
        assertThat(policy.decide(starting).target()).isEqualTo(5);
    }

    @Test
    void aQueueMeansNoHandlerIsSpare() {
        assertThat(policy.decide(ticks.at(3, 0, 5)).target()).isEqualTo(4);
    }

    @Test
    void retiresOneAfterTooManyIdleForTheIdleTimeout() {
        assertThat(policy.decide(ticks.at(8, 0, 0)).target()).isEqualTo(8);
        ticks.advance(Duration.ofSeconds(3));
        assertThat(policy.decide(ticks.at(8, 0, 0)).target()).isEqualTo(7);
    }

    @Test
    void holdsBetweenMinAndMaxSpare() {
        assertThat(ticks.run(policy, 5, 4, 0, 10)).containsOnly(5);
    }
}
