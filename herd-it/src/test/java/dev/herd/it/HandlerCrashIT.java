package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.os.Posix;
import dev.herd.os.Signal;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler killed with SIGKILL under load is reaped, logged and replaced. */
class HandlerCrashIT {

    @Test
    void killedHandlerIsReplacedAndServiceContinues() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("handler-crash", "--handlers", "2")) {
            List<Long> before = HerdProcess.readyPids(herd.awaitReady(2).status());
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger served = new AtomicInteger();
            Thread load = Thread.ofPlatform().start(() -> {
                while (loading.get()) {
                    try {
                        if (herd.get("/").status() == 200) {
                            served.incrementAndGet();
                        }
                    } catch (IOException e) {
                        // The killed handler's own connection may fail: that is allowed.
                    }
                }
            });
            dev.herd.testkit.Await.until("some load served", Duration.ofSeconds(30), () -> served.get() > 20);

            long victim = before.getFirst();
            Posix.kill(victim, Signal.KILL.number());
            // The replacement boots and warms up (up to --warmup-time) on cores the load keeps busy.
            JsonNode replaced = herd.awaitHandlers("a new handler replacing " + victim, Duration.ofSeconds(30),
                    s -> HerdProcess.readyPids(s).size() == 2 && !HerdProcess.allPids(s).contains(victim));
            loading.set(false);
            load.join();

            List<Long> after = HerdProcess.readyPids(replaced);
            assertThat(after).contains(before.get(1)).doesNotContain(victim);
            for (int i = 0; i < 100; i++) {
                assertThat(herd.get("/").status()).isEqualTo(200);
            }
            assertThat(herd.output()).contains("(pid " + victim + ", generation 1) was killed by SIGKILL unexpectedly");
            assertThat(herd.unexpectedProblems("was killed by SIGKILL unexpectedly")).isEmpty();
        }
    }
}
