package dev.herd.it;

import dev.herd.testkit.Await;
import dev.herd.testkit.ClientLoad;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** --max-rss retires a handler the same way as --max-requests: replacement first, nothing fails. */
class MaxRssIT {

    @Test
    void aHandlerOverMaxRssIsReplacedWithoutAFailedRequest() {
        // Every handler is over 1 MiB: each is retired as soon as it is seen, and replaced.
        try (HerdProcess herd = HerdProcess.serve("max-rss", "--handlers", "1", "--max-rss", "1m",
                "--scale-interval", "200ms")) {
            herd.awaitReady(1);
            ClientLoad load = ClientLoad.start(herd.address(), "/", 4, Long.MAX_VALUE);
            try {
                Await.until("two handlers retired for their memory and stopped", Duration.ofSeconds(60),
                        () -> herd.lines().stream().filter(l -> l.contains(" stops: resident memory ")).count() >= 2);
            } finally {
                load.stop();
            }
            assertThat(load.failures()).isEmpty();
            assertThat(herd.output()).containsPattern("retiring handler \\d+ \\(pid \\d+, generation 1\\): "
                    + "resident memory \\d+ MiB over --max-rss 1 MiB; its replacement starts first");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }
}
