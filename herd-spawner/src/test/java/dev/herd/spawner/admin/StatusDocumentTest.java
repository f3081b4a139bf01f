package dev.herd.spawner.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herd.os.ListeningSocket;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;
import dev.herd.spawner.Counts;
import dev.herd.spawner.EventLog;
import dev.herd.spawner.PoolView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

class StatusDocumentTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long NOW = 1_000 * SECOND;
    private static final long HANDLER_PID = 31337;

    private Scoreboard board;

    @BeforeEach
    void fillASlot() {
        board = Scoreboard.create(2, 1);
        Scoreboard.SlotWriter writer = board.writer(0, 1);
        writer.begin(HANDLER_PID, 3, NOW - 250_000_000L);
        writer.state(SlotState.READY);
        Scoreboard.LoopWriter loop = writer.loop(0);
        loop.connectionOpened();
        loop.requestStarted();
        loop.requestFinished();
        loop.requestStarted();
        loop.requestFinished();
        loop.acceptWon();
        loop.acceptLost();
        loop.acceptLost();
        loop.rebalanceClosed();
        loop.limitClosed();
        loop.limitClosed();
    }

    @AfterEach
    void close() {
        board.close();
    }

    private StatusDocument document(String reason) {
        PoolView.Entry entry = new PoolView.Entry(0, HANDLER_PID, 3, "ready", NOW - 90 * SECOND, OptionalDouble.empty());
        PoolView pool = new PoolView(4242, NOW - 600 * SECOND, false, 1, "static", 1, 0, 4, List.of(entry),
                Counts.View.NONE);
        StatusDocument.Handler handler = new StatusDocument.Handler(entry, board.read(0), 50L * 1024 * 1024,
                OptionalDouble.of(0.4567));
        EventLog.Event event = new EventLog.Event(Instant.parse("2026-01-02T03:04:05Z"), "spawn", reason);
        return new StatusDocument(pool, "127.0.0.1:8080", "bound", new ListeningSocket.QueueDepth(3, 128),
                List.of(handler), List.of(event), NOW);
    }

    @Test
    void jsonCarriesTheDocumentedFields() throws Exception {
        JsonNode root = new ObjectMapper().readTree(document("handler 0 spawned").json());

        assertThat(root.at("/spawner/pid").asLong()).isEqualTo(4242);
        assertThat(root.at("/spawner/uptime_seconds").asLong()).isEqualTo(600);
        assertThat(root.at("/spawner/state").asText()).isEqualTo("running");
        assertThat(root.at("/target_handlers").asInt()).isEqualTo(1);
        assertThat(root.at("/address/bind").asText()).isEqualTo("127.0.0.1:8080");
        assertThat(root.at("/address/origin").asText()).isEqualTo("bound");
        assertThat(root.at("/address/queued").asLong()).isEqualTo(3);
        assertThat(root.at("/address/backlog").asLong()).isEqualTo(128);

        assertThat(root.get("handlers")).hasSize(1);
        JsonNode h = root.at("/handlers/0");
        assertThat(h.get("slot").asInt()).isZero();
        assertThat(h.get("pid").asLong()).isEqualTo(HANDLER_PID);
        assertThat(h.get("generation").asInt()).isEqualTo(3);
        assertThat(h.get("state").asText()).isEqualTo("idle");
        assertThat(h.get("connections").asLong()).isEqualTo(1);
        assertThat(h.get("in_flight").asLong()).isZero();
        assertThat(h.get("requests").asLong()).isEqualTo(2);
        assertThat(h.get("accepts_won").asLong()).isEqualTo(1);
        assertThat(h.get("accepts_lost").asLong()).isEqualTo(2);
        assertThat(h.get("accept_errors").asLong()).isZero();
        assertThat(h.get("busy").asDouble()).isEqualTo(0.457);
        assertThat(h.get("rebalance_closes").asLong()).isEqualTo(1);
        assertThat(h.get("limit_closes").asLong()).isEqualTo(2);
        assertThat(h.get("heartbeat_age_ms").asLong()).isEqualTo(250);
        assertThat(h.get("uptime_seconds").asLong()).isEqualTo(90);
        assertThat(h.get("rss_bytes").asLong()).isEqualTo(50L * 1024 * 1024);

        assertThat(root.get("events")).hasSize(1);
        JsonNode e = root.at("/events/0");
        assertThat(e.get("at").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(e.get("kind").asText()).isEqualTo("spawn");
        assertThat(e.get("reason").asText()).isEqualTo("handler 0 spawned");
    }

    @Test
    void anExistingServersHandlerSaysWhichFiguresHerdDoesNotKnow() throws Exception {
        PoolView.Entry entry = new PoolView.Entry(0, HANDLER_PID, 3, "ready", NOW - 90 * SECOND, OptionalDouble.empty(),
                true);
        PoolView pool = new PoolView(4242, NOW - 600 * SECOND, false, 1, "static", 1, 0, 4, List.of(entry),
                Counts.View.NONE);
        StatusDocument.Handler handler = new StatusDocument.Handler(entry, board.read(0), 200L * 1024 * 1024,
                OptionalDouble.empty());
        JsonNode h = new ObjectMapper().readTree(new StatusDocument(pool, "127.0.0.1:8080", "bound",
                new ListeningSocket.QueueDepth(0, 128), List.of(handler), List.of(), NOW).json()).at("/handlers/0");

        assertThat(h.get("kind").asText()).isEqualTo("jar");
        for (String unknown : List.of("connections", "in_flight", "requests", "accepts_deferred", "busy",
                "rebalance_closes", "limit_closes")) {
            assertThat(h.get(unknown).isNull()).as(unknown).isTrue();
        }
        // libherd-socket counts its accepts on herd's socket.
        for (String known : List.of("accepts_won", "accepts_lost", "accept_errors")) {
            assertThat(h.get(known).isNumber()).as(known).isTrue();
        }
        assertThat(h.get("pid").asLong()).isEqualTo(HANDLER_PID);
        assertThat(h.get("heartbeat_age_ms").asLong()).isEqualTo(250);
        assertThat(h.get("rss_bytes").asLong()).isEqualTo(200L * 1024 * 1024);
        assertThat(new ObjectMapper().readTree(document("x").json()).at("/handlers/0/kind").asText()).isEqualTo("herd");
    }

    @Test
    void jsonEscapesQuotesInReasons() throws Exception {
        JsonNode root = new ObjectMapper().readTree(document("bad value \"5\"\nsecond line").json());
        assertThat(root.at("/events/0/reason").asText()).isEqualTo("bad value \"5\"\nsecond line");
    }

    @Test
    void aSlotNotYetClaimedByItsHandlerReadsAsStartingWithNoCounters() throws Exception {
        // The entry's pid differs from the slot's: the slot still holds the previous handler's figures.
        PoolView.Entry fresh = new PoolView.Entry(0, HANDLER_PID + 1, 4, "starting", NOW, OptionalDouble.empty());
        PoolView pool = new PoolView(4242, NOW, false, 1, "static", 1, 0, 4, List.of(fresh), Counts.View.NONE);
        StatusDocument doc = new StatusDocument(pool, "127.0.0.1:8080", "bound", ListeningSocket.QueueDepth.UNKNOWN,
                List.of(new StatusDocument.Handler(fresh, board.read(0), -1, OptionalDouble.of(0.5))), List.of(), NOW);

        JsonNode h = new ObjectMapper().readTree(doc.json()).at("/handlers/0");
        assertThat(h.get("state").asText()).isEqualTo("starting");
        assertThat(h.get("requests").asLong()).isZero();
        assertThat(h.get("connections").asLong()).isZero();
        assertThat(h.get("heartbeat_age_ms").asLong()).isEqualTo(-1);
        assertThat(h.get("busy").isNull()).isTrue();
        assertThat(h.get("limit_closes").asLong()).isZero();
        assertThat(Metrics.render(doc)).doesNotContain("herd_handler_connections{");
    }

    @Test
    void aStoppingHandlerIsDraining() {
        PoolView.Entry stopping = new PoolView.Entry(0, HANDLER_PID, 3, "stopping", NOW, OptionalDouble.empty());
        assertThat(new StatusDocument.Handler(stopping, board.read(0), 0, OptionalDouble.empty()).state()).isEqualTo("draining");
    }

    @Test
    void theCertificatesServedAreListedWithTheirTimeLeft() throws Exception {
        PoolView.Certificate certificate = new PoolView.Certificate("/etc/herd/site.pem", "CN=example.com",
                List.of("example.com", "www.example.com"), "ECDSA P-256", Instant.parse("2027-01-01T00:00:00Z"));
        PoolView pool = new PoolView(4242, NOW, false, 1, "static", 1, 0, 4, List.of(), Counts.View.NONE,
                List.of(certificate));
        StatusDocument doc = new StatusDocument(pool, "127.0.0.1:8443", "bound", ListeningSocket.QueueDepth.UNKNOWN,
                List.of(), List.of(), NOW, Instant.parse("2026-12-31T00:00:00Z"));

        JsonNode tls = new ObjectMapper().readTree(doc.json()).path("tls");

        assertThat(tls.at("/certificates/0/file").asText()).isEqualTo("/etc/herd/site.pem");
        assertThat(tls.at("/certificates/0/subject").asText()).isEqualTo("CN=example.com");
        assertThat(tls.at("/certificates/0/names/1").asText()).isEqualTo("www.example.com");
        assertThat(tls.at("/certificates/0/key").asText()).isEqualTo("ECDSA P-256");
        assertThat(tls.at("/certificates/0/not_after").asText()).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(tls.at("/certificates/0/expires_in_seconds").asLong()).isEqualTo(86_400);
        assertThat(Metrics.render(doc).lines()).contains("herd_tls_certificate_expiry_timestamp_seconds{"
                + "file=\"/etc/herd/site.pem\",subject=\"CN=example.com\"} 1.7987616E9");
        assertThat(new ObjectMapper().readTree(document("x").json()).path("tls").isNull()).isTrue();
    }
}
