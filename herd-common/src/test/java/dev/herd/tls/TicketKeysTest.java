package dev.herd.tls;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TicketKeysTest {
    @Test
    void aRotationMakesTheNextKeyCurrentAndKeepsThePreviousOne() {
        try (TicketKeys spawner = TicketKeys.create(); TicketKeys handler = TicketKeys.open(spawner.path())) {
            TicketKeys.Snapshot before = handler.read();
            assertThat(before.keys()).hasSize(3).allSatisfy(k -> assertThat(k).hasSize(TicketKeys.KEY_BYTES));
            assertThat(before.keys().get(0)).isNotEqualTo(before.keys().get(1));

            spawner.rotate();
            TicketKeys.Snapshot after = handler.read();

            assertThat(after.sequence()).isNotEqualTo(before.sequence());
            assertThat(after.keys().get(0)).isEqualTo(before.keys().get(1));
            assertThat(after.keys().get(2)).isEqualTo(before.keys().get(0));
            assertThat(after.keys().get(1)).isNotIn(before.keys());
        }
    }

    @Test
    void aReaderNeverSeesHalfARotation() throws Exception {
        try (TicketKeys spawner = TicketKeys.create(); TicketKeys handler = TicketKeys.open(spawner.path())) {
            Thread rotating = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    spawner.rotate();
                }
            });
            byte[] lastCurrent = handler.read().keys().get(0);
            int seen = 0;
            while (rotating.isAlive() || seen == 0) {
                TicketKeys.Snapshot snapshot = handler.read();
                // Within one snapshot, current, next and previous are three different keys.
                assertThat(snapshot.keys().get(0)).isNotEqualTo(snapshot.keys().get(1))
                        .isNotEqualTo(snapshot.keys().get(2));
                assertThat(snapshot.sequence() % 2).isZero();
                lastCurrent = snapshot.keys().get(0);
                seen++;
            }
            rotating.join();
            assertThat(lastCurrent).hasSize(TicketKeys.KEY_BYTES);
        }
    }
}
