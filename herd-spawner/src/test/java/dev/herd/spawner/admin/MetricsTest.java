package dev.herd.spawner.admin;

import dev.herd.os.ListeningSocket;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;
import dev.herd.spawner.Counts;
import dev.herd.spawner.PoolView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /metrics} as the Prometheus client library writes it: a handler's series by slot and
 * generation, its counters going on from those of the handlers that exited before it in its slot,
 * every handler state and every restart cause with a series, and no pid anywhere.
 */
class MetricsTest {
    private static final long NOW = 1_000_000_000_000L;
    private static final long PID = 31337;

    private Scoreboard board;

    @BeforeEach
    void fillASlot() {
        board = Scoreboard.create(2, 1);
        Scoreboard.SlotWriter writer = board.writer(0, 1);
        writer.begin(PID, 3, NOW);
        writer.state(SlotState.READY);
        Scoreboard.LoopWriter loop = writer.loop(0);
        loop.connectionOpened();
        loop.requestStarted();
        loop.requestFinished();
        loop.requestStarted();
        loop.requestFinished();
        loop.acceptWon();
    }

    @AfterEach
    void close() {
        board.close();
    }

    private String render() {
        PoolView.Entry entry = new PoolView.Entry(0, PID, 3, "ready", NOW, OptionalDouble.empty());
        PoolView.Entry booting = new PoolView.Entry(1, PID + 1, 3, "starting", NOW, OptionalDouble.empty());
        Counts.View counts = new Counts.View(Map.of("crash", 2L, "oom", 1L), Map.of("up", 3L), Map.of("failed", 1L),
                Map.of(new Counts.SlotKey(0, 3), new Counts.Totals(40, 7, 5, 0, 0, 1, 0),
                        new Counts.SlotKey(2, 3), new Counts.Totals(9, 2, 0, 0, 0, 0, 0)), 70);
        PoolView pool = new PoolView(4242, NOW, false, 2, "adaptive", 3, 0, 8, List.of(entry, booting), counts);
        StatusDocument doc = new StatusDocument(pool, "127.0.0.1:8080", "bound", new ListeningSocket.QueueDepth(3, 128),
                List.of(new StatusDocument.Handler(entry, board.read(0), 50L * 1024 * 1024, OptionalDouble.of(0.4567)),
                        new StatusDocument.Handler(booting, board.read(1), -1, OptionalDouble.empty())),
                List.of(), NOW);
        return Metrics.render(doc);
    }

    @Test
    void aSlotsCountersGoOnFromTheHandlersThatExitedInIt() {
        assertThat(render().lines()).contains(
                "# TYPE herd_handler_requests_total counter",
                "herd_handler_requests_total{generation=\"3\",slot=\"0\"} 42.0",
                "herd_handler_requests_total{generation=\"3\",slot=\"1\"} 0.0",
                "herd_handler_requests_total{generation=\"3\",slot=\"2\"} 9.0",
                "herd_handler_accepts_won_total{generation=\"3\",slot=\"0\"} 8.0",
                "herd_handler_rebalance_closes_total{generation=\"3\",slot=\"0\"} 1.0",
                "herd_requests_total 72.0");
    }

    @Test
    void gaugesDescribeTheLiveHandlersAndThePool() {
        assertThat(render().lines()).contains(
                "herd_target_handlers 2.0",
                "herd_max_handlers 8.0",
                "herd_generation 3.0",
                "herd_accept_queue_length 3.0",
                "herd_accept_queue_capacity 128.0",
                "herd_handlers{state=\"idle\"} 1.0",
                "herd_handlers{state=\"starting\"} 1.0",
                "herd_handlers{state=\"busy\"} 0.0",
                "herd_handlers{state=\"standby\"} 0.0",
                "herd_handlers{state=\"draining\"} 0.0",
                "herd_handler_connections{generation=\"3\",slot=\"0\"} 1.0",
                "herd_handler_busy{generation=\"3\",slot=\"0\"} 0.457",
                "herd_handler_resident_bytes{generation=\"3\",slot=\"0\"} 5.24288E7");
        assertThat(render()).as("a handler that has not claimed its slot has no gauges yet")
                .doesNotContain("herd_handler_connections{generation=\"3\",slot=\"1\"}");
    }

    @Test
    void restartsScalingAndReloadsHaveASeriesForEveryLabelValue() {
        assertThat(render().lines()).contains(
                "herd_handler_restarts_total{cause=\"crash\"} 2.0",
                "herd_handler_restarts_total{cause=\"oom\"} 1.0",
                "herd_handler_restarts_total{cause=\"hung\"} 0.0",
                "herd_handler_restarts_total{cause=\"boot_failure\"} 0.0",
                "herd_handler_restarts_total{cause=\"recycled\"} 0.0",
                "herd_scale_events_total{direction=\"up\"} 3.0",
                "herd_scale_events_total{direction=\"down\"} 0.0",
                "herd_reloads_total{outcome=\"reloaded\"} 0.0",
                "herd_reloads_total{outcome=\"failed\"} 1.0");
    }

    @Test
    void noSeriesIsLabelledByPid() {
        assertThat(render()).doesNotContain("pid=").doesNotContain(String.valueOf(PID));
    }
}
