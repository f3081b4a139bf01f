package dev.herd.spawner.scaling;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties every policy must keep, checked over many random configurations and load sequences
 * (seeded, so a failure names the seed that reproduces it).
 */
class PolicyPropertiesTest {

    record Case(long seed, ScalingPolicy policy, int min, int max) {
        @Override
        public String toString() {
            return policy.name() + " " + min + ".." + max + " seed " + seed;
        }
    }

    static Stream<Case> cases() {
        return IntStream.range(0, 300).mapToObj(i -> {
            SplittableRandom r = new SplittableRandom(i);
            int min = 1 + r.nextInt(4);
            int max = min + r.nextInt(12);
            Duration idle = Duration.ofSeconds(1 + r.nextInt(10));
            int rate = 1 + r.nextInt(16);
            ScalingPolicy policy = switch (i % 3) {
                case 0 -> new AdaptivePolicy(min, max, rate, idle);
                case 1 -> {
                    int minSpare = r.nextInt(4);
                    yield new SparePolicy(min, max, minSpare, minSpare + r.nextInt(4), rate, idle);
                }
                default -> new StaticPolicy(min);
            };
            return new Case(i, policy, min, policy instanceof StaticPolicy ? min : max);
        });
    }

    @ParameterizedTest
    @MethodSource("cases")
    void staysWithinBoundsAndNeverShrinksWhileConnectionsWait(Case c) {
        SplittableRandom r = new SplittableRandom(c.seed() * 31 + 7);
        Ticks ticks = new Ticks();
        int target = c.min();
        for (int i = 0; i < 400; i++) {
            long queued = r.nextInt(4) == 0 ? r.nextInt(100) : 0;
            int busy = r.nextInt(target * Ticks.LOOPS + 1);
            int next = c.policy().decide(ticks.at(target, busy, queued)).target();
            assertThat(next).as("tick %d", i).isBetween(c.min(), c.max());
            if (queued > 0) {
                assertThat(next).as("tick %d: %d queued", i, queued).isGreaterThanOrEqualTo(target);
            }
            target = next;
            ticks.advance(Duration.ofMillis(200 + r.nextInt(2000)));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aConstantLoadSettlesWithoutFlapping(Case c) {
        SplittableRandom r = new SplittableRandom(c.seed() * 17 + 3);
        int busyLoops = r.nextInt(c.max() * Ticks.LOOPS + 1);
        int[] targets = new Ticks().run(c.policy(), c.min() + r.nextInt(c.max() - c.min() + 1), busyLoops, 0, 200);
        int turns = 0;
        int direction = 0;
        for (int i = 1; i < targets.length; i++) {
            int d = Integer.signum(targets[i] - targets[i - 1]);
            if (d != 0 && direction != 0 && d != direction) {
                turns++;
            }
            if (d != 0) {
                direction = d;
            }
        }
        assertThat(turns).as("direction changes in %s", java.util.Arrays.toString(targets)).isLessThanOrEqualTo(1);
        assertThat(targets[targets.length - 1]).as("settled").isEqualTo(targets[targets.length - 2]);
    }
}
