package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.testkit.HerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log of several handlers under concurrent load: one intact line per request, none
 * lost at a graceful stop, lines from every handler, and after a rotation ({@code herd
 * reopen-logs}) the new lines in the new file.
 */
class AccessLogIT {
    private static final int CLIENTS = 8;
    private static final int REQUESTS = 60;
    private static final Pattern COMBINED = Pattern.compile(
            "127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000] \"GET /whoami\\?c=\\d+&i=\\d+ HTTP/1\\.1\" "
                    + "200 \\d+ \"-\" \"herd-test\" \\d+\\.\\d{6}");

    @Test
    void everyRequestHasOneWholeLineAndNoneIsLostAtTheStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (HerdProcess herd = HerdProcess.serve("access-log", "--handlers", "2", "--warmup", "off",
                "--access-log", file.toString())) {
            herd.awaitReady(2);
            load(herd, "c=");
            assertThat(herd.cli("stop").status()).isZero();
            assertThat(herd.awaitExit(Duration.ofSeconds(60))).isZero();
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(CLIENTS * REQUESTS).allMatch(l -> COMBINED.matcher(l).matches());
        assertThat(new HashSet<>(lines.stream().map(l -> l.substring(l.indexOf("GET "), l.indexOf(" HTTP/"))).toList()))
                .as("each request once").hasSize(CLIENTS * REQUESTS);
    }

    @Test
    void afterARotationTheHandlersWriteToTheNewFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.json");
        Path rotated = dir.resolve("access.json.1");
        try (HerdProcess herd = HerdProcess.serve("access-log-rotation", "--handlers", "2", "--warmup", "off",
                "--access-log", file.toString(), "--access-log-format", "json")) {
            herd.awaitReady(2);
            load(herd, "r=0&c=");
            Files.move(file, rotated);
            assertThat(herd.cli("reopen-logs").status()).isZero();
            // Each handler opens the file again at its loops' next second.
            dev.herd.testkit.Await.until("both handlers opened the log again", Duration.ofSeconds(30),
                    () -> herd.lines().stream().filter(l -> l.contains("access log " + file + " opened again")).count() == 2);
            load(herd, "r=1&c=");
            assertThat(herd.cli("stop").status()).isZero();
            assertThat(herd.awaitExit(Duration.ofSeconds(60))).isZero();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> before = new ArrayList<>();
        for (String line : Files.readAllLines(rotated)) {
            before.add(json.readTree(line));
        }
        List<JsonNode> after = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            after.add(json.readTree(line));
        }
        // Both handlers had opened the new file before the second round: none of its lines is in the
        // old one. Lines of the first round that another loop still held at the reopening go to the new one.
        assertThat(before).allMatch(n -> n.get("target").asText().contains("r=0"));
        assertThat(after.stream().filter(n -> n.get("target").asText().contains("r=1"))).hasSize(CLIENTS * REQUESTS);
        assertThat(before.size() + after.size()).as("every request once").isEqualTo(2 * CLIENTS * REQUESTS);
        Set<Integer> slots = new HashSet<>();
        before.forEach(n -> slots.add(n.get("slot").asInt()));
        assertThat(slots).as("lines from both handlers").hasSize(2);
        assertThat(after).allMatch(n -> n.get("status").asInt() == 200 && n.get("bytes").asLong() > 0
                && n.get("duration_us").asLong() >= 0 && n.get("user_agent").asText().equals("herd-test"));
    }

    /** CLIENTS threads, each REQUESTS requests on new connections (so both handlers get some), to /whoami?QUERY... */
    private static void load(HerdProcess herd, String query) throws Exception {
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS; i++) {
                        assertThat(get(herd, "/whoami?" + query + client + "&i=" + i)).isEqualTo(200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
    }

    private static int get(HerdProcess herd, String target) throws IOException {
        return dev.herd.testkit.HttpProbe.exchange(herd.address(), "GET " + target + " HTTP/1.1\r\nHost: t\r\n"
                + "User-Agent: herd-test\r\nConnection: close\r\n\r\n", Duration.ofSeconds(30)).status();
    }
}
