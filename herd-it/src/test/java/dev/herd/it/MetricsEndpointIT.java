package dev.herd.it;

import dev.herd.os.Posix;
import dev.herd.os.Signal;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} of a running server, read by a real parser ({@code promtool check metrics},
 * Debian's {@code prometheus} package): well-formed and lint-clean, labelled by slot and
 * generation, and a slot's counters go on rising when its handler is killed and replaced, with
 * the restart counted by its cause.
 */
class MetricsEndpointIT {
    private static final Pattern SLOT_REQUESTS =
            Pattern.compile("^herd_handler_requests_total\\{generation=\"(\\d+)\",slot=\"(\\d+)\"} (\\S+)$", Pattern.MULTILINE);

    @Test
    void metricsParseAndASlotsCountersOutliveItsHandler() throws Exception {
        Tools.require(Tools.Tool.PROMTOOL);
        try (HerdProcess herd = HerdProcess.serve("metrics", "--handlers", "2", "--warmup", "off");
             HttpClient http = HttpClient.newHttpClient()) {
            List<Long> pids = HerdProcess.readyPids(herd.awaitReady(2).status());
            for (int i = 0; i < 40; i++) {
                assertThat(herd.get("/").status()).isEqualTo(200);
            }
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + herd.adminAddress() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(first.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            Map<String, Double> before = slotRequests(first.body());
            assertThat(before.values().stream().mapToDouble(Double::doubleValue).sum()).isGreaterThanOrEqualTo(40);

            Tools.Result check = Tools.run(Duration.ofSeconds(30), first.body(), "promtool", "check", "metrics");
            assertThat(check.status()).as(check.output()).isZero();
            assertThat(check.output()).isBlank();
            assertThat(first.body()).doesNotContain("pid=");

            long victim = pids.getFirst();
            Posix.kill(victim, Signal.KILL.number());
            herd.awaitHandlers("a new handler replacing " + victim, Duration.ofSeconds(30),
                    s -> HerdProcess.readyPids(s).size() == 2 && !HerdProcess.allPids(s).contains(victim));
            String after = http.send(HttpRequest.newBuilder(URI.create("http://" + herd.adminAddress() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();

            assertThat(after).contains("herd_handler_restarts_total{cause=\"crash\"} 1.0");
            Map<String, Double> later = slotRequests(after);
            before.forEach((series, count) -> assertThat(later.get(series))
                    .as("requests of %s after its handler was replaced", series).isGreaterThanOrEqualTo(count));
            Tools.Result again = Tools.run(Duration.ofSeconds(30), after, "promtool", "check", "metrics");
            assertThat(again.status()).as(again.output()).isZero();
            assertThat(herd.unexpectedProblems("was killed by SIGKILL unexpectedly")).isEmpty();
        }
    }

    /** {@code herd_handler_requests_total} by its labels. */
    private static Map<String, Double> slotRequests(String metrics) {
        Map<String, Double> requests = new HashMap<>();
        for (Matcher m = SLOT_REQUESTS.matcher(metrics); m.find(); ) {
            requests.put("generation " + m.group(1) + " slot " + m.group(2), Double.parseDouble(m.group(3)));
        }
        return requests;
    }
}
