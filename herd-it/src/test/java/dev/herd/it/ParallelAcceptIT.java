package dev.herd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.testkit.HerdProcess;
import dev.herd.testkit.HttpProbe;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every handler's loops watch the shared socket; all handlers get a share of new connections, on
 * each transport and accept strategy (loops that find the connection taken count a lost race).
 */
class ParallelAcceptIT {
    private static final int REQUESTS = 600;
    private static final int CLIENTS = 16;

    @ParameterizedTest(name = "--transport {0} --accept {1}")
    @CsvSource({"nio, herd", "epoll, herd", "epoll, exclusive"})
    void newConnectionsAreSpreadOverAllHandlersAndCounted(String transport, String accept) throws Exception {
        try (HerdProcess herd = HerdProcess.serve("parallel-accept-" + transport + "-" + accept, "--handlers", "3",
                "--threads", "2", "--transport", transport, "--accept", accept)) {
            herd.awaitReady(3);
            Map<Long, AtomicInteger> perPid = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ObjectMapper json = new ObjectMapper();
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    done.add(clients.submit(() -> {
                        while (next.getAndIncrement() < REQUESTS) {
                            HttpProbe.Reply reply = HttpProbe.get(herd.address(), "/whoami", Duration.ofSeconds(30));
                            assertThat(reply.status()).isEqualTo(200);
                            JsonNode who = json.readTree(reply.body());
                            assertThat(who.has("slot")).isTrue();
                            assertThat(who.has("generation")).isTrue();
                            assertThat(who.path("thread").asText()).startsWith("loop-");
                            perPid.computeIfAbsent(who.path("pid").asLong(), p -> new AtomicInteger()).incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }

            assertThat(perPid.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(REQUESTS);
            assertThat(perPid).hasSize(3);
            perPid.forEach((pid, count) -> assertThat(count.get())
                    .as("requests served by handler %d of %s", pid, perPid)
                    .isGreaterThanOrEqualTo(REQUESTS / 10));

            // A loop counts a request once its response is written: the client may read that
            // response a moment before the counter moves, so the last ones are waited for.
            JsonNode status = herd.awaitHandlers("every request counted", Duration.ofSeconds(10), s -> {
                long counted = 0;
                for (JsonNode h : s.path("handlers")) {
                    counted += h.path("requests").asLong();
                }
                return counted == REQUESTS;
            });
            long won = 0;
            long lost = 0;
            for (JsonNode h : status.path("handlers")) {
                assertThat(h.path("accepts_won").asLong())
                        .as("accepts won by %s", h.path("pid")).isEqualTo(perPid.get(h.path("pid").asLong()).get());
                assertThat(h.path("requests").asLong()).isEqualTo(h.path("accepts_won").asLong());
                won += h.path("accepts_won").asLong();
                lost += h.path("accepts_lost").asLong();
            }
            assertThat(won).isEqualTo(REQUESTS);
            // Every loop's selector is told of each connection, so with 6 loops and 16 clients some
            // find it taken. Epoll checks again that the socket is readable before it reports it,
            // so on epoll a loop woken late may not even see the connection: no count to expect.
            if (transport.equals("nio")) {
                assertThat(lost).as("lost races: loops woken for a connection another loop took").isPositive();
            }
            assertThat(herd.unexpectedProblems()).isEmpty();
        }
    }
}
