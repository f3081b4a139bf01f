package dev.herd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.testkit.HerdProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reloads under load. A real {@code herd serve --handlers 2} on 127.0.0.1 serves two kinds of
 * clients at once — {@link #CLIENTS} sending one request per new connection and as many each on
 * a keep-alive connection of its own, all on {@code GET /} — and is reloaded {@link #RELOADS}
 * times ({@code POST /reload}), {@link #BETWEEN} apart. Per reload it prints the time from the
 * request to the new generation serving (the spawner's figure) and to the old one gone (drained
 * and exited), the requests answered and failed in that window, and their p50/p99 latency, beside
 * the same figures for the steady state before the first reload.
 *
 * <pre>bench/reload.sh</pre>
 */
public final class ReloadBench {
    static final int CLIENTS = 8;
    static final int RELOADS = 5;
    static final Duration WARMUP = Duration.ofSeconds(5);
    static final Duration BETWEEN = Duration.ofSeconds(3);

    /** One reload's window, in nanos since the load began. */
    record Window(long requestedAt, long servingAt, long oldGoneAt, long tookMs) {
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("reloads under load: herd --handlers 2, %d clients with a connection per request and %d on"
                        + " keep-alive connections, GET /; %d reloads %d s apart; 127.0.0.1, %d cores shared with"
                        + " the load%n%n", CLIENTS, CLIENTS, RELOADS, BETWEEN.toSeconds(),
                Runtime.getRuntime().availableProcessors());
        try (HerdProcess herd = HerdProcess.serve("reload-bench", "--handlers", "2")) {
            herd.awaitReady(2);
            long origin = System.nanoTime();
            Clients perRequest = new Clients(herd.address(), "/", CLIENTS, false, origin);
            Clients keptAlive = new Clients(herd.address(), "/", CLIENTS, true, origin);
            StepLoad.pause(WARMUP);
            List<Window> windows = new ArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            for (int generation = 2; generation <= RELOADS + 1; generation++) {
                long requested = System.nanoTime() - origin;
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                                URI.create("http://" + herd.adminAddress() + "/reload"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                long serving = System.nanoTime() - origin;
                JsonNode outcome = new ObjectMapper().readTree(answer.body());
                if (!outcome.path("ok").asBoolean()) {
                    throw new IllegalStateException("reload failed: " + answer.body());
                }
                int expected = generation;
                herd.awaitHandlers("only generation " + generation, Duration.ofSeconds(60), s -> s.path("handlers")
                        .findValues("generation").stream().allMatch(g -> g.asInt() == expected));
                windows.add(new Window(requested, serving, System.nanoTime() - origin,
                        outcome.path("took_ms").asLong()));
                StepLoad.pause(BETWEEN);
            }
            List<Clients.Done> done = Stream.concat(perRequest.stop().stream(), keptAlive.stop().stream()).toList();

            System.out.println("| window | new generation serves after | old generation gone after | requests "
                    + "| failed | p50 / p99 (ms) |");
            System.out.println("|---|---|---|---|---|---|");
            long steadyFrom = Duration.ofSeconds(1).toNanos();
            print("steady, before (" + (WARMUP.toSeconds() - 1) + " s)", "", "",
                    in(done, steadyFrom, windows.getFirst().requestedAt()));
            for (int i = 0; i < windows.size(); i++) {
                Window w = windows.get(i);
                print("reload " + (i + 1), w.tookMs() + " ms", (w.oldGoneAt() - w.requestedAt()) / 1_000_000 + " ms",
                        in(done, w.requestedAt(), w.oldGoneAt()));
            }
            long failed = done.stream().filter(d -> !d.ok()).count();
            System.out.printf("%nall: %d requests, %d failed%n", done.size(), failed);
        }
    }

    private static List<Clients.Done> in(List<Clients.Done> done, long from, long to) {
        return done.stream().filter(d -> d.startNanos() >= from && d.startNanos() < to).toList();
    }

    private static void print(String name, String serving, String gone, List<Clients.Done> window) {
        double[] latencies = StepLoad.sorted(window.stream().filter(Clients.Done::ok)
                .map(d -> d.latencyNanos() / 1e6).toList());
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %d | %d | %.1f / %.1f |%n", name, serving, gone, window.size(),
                window.stream().filter(d -> !d.ok()).count(), StepLoad.pct(latencies, 50), StepLoad.pct(latencies, 99));
    }
}
