package dev.herd.it;

import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium): the handlers and the events appear, the
 * charts are drawn, and a scale-up by its own button shows up without a reload of the page. A
 * screenshot is left at {@code herd-it/target/dashboard.png}.
 */
class DashboardIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ACCEPTING =
            "document.querySelectorAll('#slots .slot[data-state=idle], #slots .slot[data-state=busy]').length";

    @Test
    void theDashboardShowsThePoolAndAScaleUpWithoutAReload() throws Exception {
        // Chromium's profile, under the build directory: it links into /tmp, which a JUnit
        // temporary directory would warn about when it deletes it.
        Path profile = Path.of("target", "chromium-profile").toAbsolutePath();
        if (Files.exists(profile)) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (HerdProcess herd = HerdProcess.serve("dashboard", "--handlers", "1", "--max-handlers", "4",
                "--warmup", "off")) {
            herd.awaitReady(1);
            for (int i = 0; i < 20; i++) {
                assertThat(herd.get("/").status()).isEqualTo(200);
            }
            try (Chromium page = Chromium.open("http://" + herd.adminAddress() + "/status", profile)) {
                page.await("one accepting handler", ACCEPTING + " === 1", WAIT);
                page.await("the spawn and ready events", "[...document.querySelectorAll('#events li')]"
                        + ".some(li => li.dataset.kind === 'ready')", WAIT);
                long pid = HerdProcess.readyPids(herd.status()).getFirst();
                assertThat(page.evaluate("document.querySelector('#slots .slot').dataset.pid").asText())
                        .isEqualTo(String.valueOf(pid));
                assertThat(page.evaluate("document.getElementById('summary').textContent").asText())
                        .contains("generation 1").contains(herd.address().toString().replace("/", ""));
                // A page that has been open for a while counts the same from here on.
                page.evaluate("window.herdPageMark = 'the same page'");

                page.evaluate("document.getElementById('more').click()");
                page.await("two accepting handlers after the + button", ACCEPTING + " === 2", WAIT);
                assertThat(page.evaluate("window.herdPageMark").asText()).as("no reload").isEqualTo("the same page");
                assertThat(page.evaluate("document.getElementById('target').textContent").asText()).isEqualTo("2");
                page.await("the scale event", "[...document.querySelectorAll('#events li')]"
                        + ".some(li => li.dataset.kind === 'scale')", WAIT);
                page.await("a drawn request-rate chart", "(() => { const c = document.getElementById('chart-rate');"
                        + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + " for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; })()", WAIT);

                Path shot = Path.of("target", "dashboard.png");
                page.screenshot(shot);
                assertThat(Files.size(shot)).isGreaterThan(10_000);
            }
            assertThat(HerdProcess.readyPids(herd.status())).hasSize(2);
        }
    }
}
