package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.os.Signal;
import dev.herd.testkit.Await;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator fixes the pool size (admin endpoint, SIGTTIN/SIGTTOU) and gives it back; standby handlers take the growth. */
class ManualScaleIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void scaleByHandAndBackToThePolicy() throws Exception {
        try (HerdProcess herd = HerdProcess.serve("manual-scale", "--scaling", "adaptive", "--min-handlers", "1",
                "--max-handlers", "4", "--standby", "1", "--idle-timeout", "1s", "--scale-interval", "250ms")) {
            herd.awaitReady(1);
            long standby = herd.awaitHandlers("a handler on standby", Duration.ofSeconds(30),
                    s -> states(s).contains("standby")).path("handlers").findValues("state").stream()
                    .filter(n -> n.asText().equals("standby")).count();
            assertThat(standby).isEqualTo(1);
            long standbyPid = pidIn(herd.status(), "standby");

            assertThat(post(herd, "/scale?handlers=2")).isEqualTo(202);
            JsonNode two = herd.awaitHandlers("2 handlers accepting", Duration.ofSeconds(30),
                    s -> HerdProcess.readyPids(s).size() == 2 && s.path("scaling").asText().equals("manual"));
            assertThat(HerdProcess.readyPids(two)).as("the standby handler was activated").contains(standbyPid);
            assertThat(two.path("target_handlers").asInt()).isEqualTo(2);
            herd.awaitHandlers("the standby refilled", Duration.ofSeconds(30), s -> states(s).contains("standby"));

            herd.signalSpawner(Signal.TTIN);
            herd.awaitHandlers("3 handlers after SIGTTIN", Duration.ofSeconds(30),
                    s -> HerdProcess.readyPids(s).size() == 3 && s.path("target_handlers").asInt() == 3);
            herd.signalSpawner(Signal.TTOU);
            herd.awaitHandlers("2 handlers after SIGTTOU", Duration.ofSeconds(30),
                    s -> HerdProcess.readyPids(s).size() == 2 && s.path("target_handlers").asInt() == 2);

            assertThat(post(herd, "/scale?handlers=99")).isEqualTo(400);
            assertThat(post(herd, "/scale?handlers=auto")).isEqualTo(202);
            JsonNode back = herd.awaitHandlers("the policy back at 1 handler", Duration.ofSeconds(30),
                    s -> HerdProcess.readyPids(s).size() == 1 && s.path("scaling").asText().equals("adaptive"));
            assertThat(back.path("target_handlers").asInt()).isEqualTo(1);
            Await.until("requests still served", Duration.ofSeconds(5), () -> {
                try {
                    return herd.get("/").status() == 200;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertThat(herd.output()).contains("set by admin POST /scale", "set by SIGTTIN", "set by SIGTTOU",
                    "activated standby handler");
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }

    private static List<String> states(JsonNode status) {
        return status.path("handlers").findValues("state").stream().map(JsonNode::asText).toList();
    }

    private static long pidIn(JsonNode status, String state) {
        for (JsonNode h : status.path("handlers")) {
            if (h.path("state").asText().equals(state)) {
                return h.path("pid").asLong();
            }
        }
        throw new AssertionError("no handler in state " + state + ": " + status);
    }

    private int post(HerdProcess herd, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + herd.adminAddress() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
