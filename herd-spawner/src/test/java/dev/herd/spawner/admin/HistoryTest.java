package dev.herd.spawner.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's history: five minutes of samples, handed out after a given time. */
class HistoryTest {

    private static History.Sample at(long millis) {
        return new History.Sample(millis, 2, 2, 0, millis, 1, 0.5);
    }

    @Test
    void itKeepsTheLastFiveMinutesAndGivesWhatCameAfterATime() {
        History history = new History();
        for (int i = 1; i <= History.SAMPLES + 10; i++) {
            history.add(at(i * 1000L));
        }

        assertThat(history.since(0)).hasSize(History.SAMPLES).first().extracting(History.Sample::atMillis)
                .isEqualTo(11_000L);
        assertThat(history.since(309_000)).extracting(History.Sample::atMillis).containsExactly(310_000L);
        assertThat(History.json(history.since(309_000))).isEqualTo("{\"samples\":[{\"at\":310000,\"accepting\":2,"
                + "\"target\":2,\"queued\":0,\"requests\":310000,\"connections\":1,\"busy\":0.5}]}");
    }
}
