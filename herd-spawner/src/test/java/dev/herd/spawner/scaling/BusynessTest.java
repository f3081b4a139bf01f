package dev.herd.spawner.scaling;

import dev.herd.scoreboard.SlotSnapshot;
import dev.herd.scoreboard.SlotState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BusynessTest {

    static SlotSnapshot.LoopSnapshot loop(long heartbeat, long busy) {
        return new SlotSnapshot.LoopSnapshot(heartbeat, 0, 0, 0, 0, 0, 0, 0, busy, 0, 0);
    }

    static SlotSnapshot slot(long pid, int generation, SlotSnapshot.LoopSnapshot... loops) {
        return new SlotSnapshot(0, pid, generation, SlotState.READY, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(loops));
    }

    @ParameterizedTest(name = "heartbeat {0} → {2}, busy {1} → {3}, before {4}: {5}")
    @CsvSource(textBlock = """
            # the share of the interval between the two stamps the loop worked
            1000, 100,  2000, 350,  NaN,  0.25
            1000, 100,  2000, 1100, NaN,  1.0
            1000, 100,  2000, 100,  0.5,  0.0
            # blocking calls in parallel outgrow the wall time: capped
            1000, 100,  2000, 3100, NaN,  1.0
            # no stamp since the previous reading: the previous value
            2000, 350,  2000, 350,  0.25, 0.25
            2000, 350,  2000, 350,  NaN,  NaN
            # counters that went back are another loop's
            2000, 350,  3000, 200,  0.25, NaN
            3000, 350,  2000, 400,  0.25, NaN
            """)
    void isTheGrowthOfBusyNanosOverTheGrowthOfTheHeartbeat(long hb0, long busy0, long hb1, long busy1,
                                                           double before, double expected) {
        double b = Busyness.between(loop(hb0, busy0), loop(hb1, busy1), before);
        if (Double.isNaN(expected)) {
            assertThat(b).isNaN();
        } else {
            assertThat(b).isCloseTo(expected, within(1e-9));
        }
    }

    @Test
    void aFirstReadingHasNoValue() {
        assertThat(Busyness.between(null, loop(1000, 100), 0.5)).isNaN();
    }

    @Test
    void aHandlersLoopsAreSummedAndAveragedOverThoseWithAValue() {
        HandlerBusyness h = new HandlerBusyness();
        h.update(slot(100, 1, loop(1000, 0), loop(1000, 0)));
        assertThat(h.sum()).isZero();
        assertThat(h.mean()).isEmpty();

        h.update(slot(100, 1, loop(2000, 500), loop(2000, 1000)));
        assertThat(h.sum()).isCloseTo(1.5, within(1e-9));
        assertThat(h.mean()).hasValueCloseTo(0.75, within(1e-9));

        // Loop 0 stamped again, loop 1 not yet: loop 1 keeps its value.
        h.update(slot(100, 1, loop(3000, 500), loop(2000, 1000)));
        assertThat(h.sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aSlotReusedByAnotherProcessOrGenerationStartsOver() {
        HandlerBusyness h = new HandlerBusyness();
        h.update(slot(100, 1, loop(1000, 0)));
        h.update(slot(100, 1, loop(2000, 800)));
        assertThat(h.mean()).hasValueCloseTo(0.8, within(1e-9));

        h.update(slot(200, 1, loop(3000, 900)));
        assertThat(h.mean()).isEmpty();
        h.update(slot(200, 1, loop(4000, 1000)));
        assertThat(h.mean()).hasValueCloseTo(0.1, within(1e-9));

        h.update(slot(200, 2, loop(5000, 1500)));
        assertThat(h.mean()).isEmpty();
        assertThat(h.sum()).isZero();
    }
}
