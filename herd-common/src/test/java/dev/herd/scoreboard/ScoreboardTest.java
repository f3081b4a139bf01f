package dev.herd.scoreboard;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spawner side ({@code board}) and a handler side ({@code mapped}) of one memfd, in one process. */
class ScoreboardTest {
    private Scoreboard board;
    private Scoreboard mapped;

    @BeforeEach
    void create() throws IOException {
        board = Scoreboard.create(3, 2);
        mapped = Scoreboard.open(board.path());
    }

    @AfterEach
    void close() {
        mapped.close();
        board.close();
    }

    @Test
    void theHandlerSeesTheSpawnersLayout() {
        assertThat(board.path().toString()).startsWith("/proc/" + ProcessHandle.current().pid() + "/fd/");
        assertThat(mapped.slots()).isEqualTo(3);
        assertThat(mapped.loopsPerSlot()).isEqualTo(2);
    }

    @Test
    void aScratchBoardIsLaidOutLikeAPoolsButNoOtherProcessCanOpenIt() {
        try (Scoreboard scratch = Scoreboard.scratch(1, 2)) {
            scratch.writer(0, 2).begin(4242, 7, 1_000);

            assertThat(scratch.path()).isNull();
            assertThat(scratch.slots()).isEqualTo(1);
            assertThat(scratch.loopsPerSlot()).isEqualTo(2);
            assertThat(scratch.read(0).pid()).isEqualTo(4242);
            assertThat(scratch.read(0).state()).isEqualTo(SlotState.STARTING);
        }
    }

    @Test
    void aNewSlotIsEmpty() {
        SlotSnapshot s = board.read(0);
        assertThat(s.state()).isEqualTo(SlotState.EMPTY);
        assertThat(s.stateName()).isEqualTo("empty");
        assertThat(s.pid()).isZero();
        assertThat(s.loops()).isEmpty();
        assertThat(s.oldestHeartbeatNanos()).isZero();
    }

    @Test
    void beginPublishesPidGenerationAndHeartbeats() {
        mapped.writer(1, 2).begin(4242, 7, 1_000);

        SlotSnapshot s = board.read(1);
        assertThat(s.slot()).isEqualTo(1);
        assertThat(s.pid()).isEqualTo(4242);
        assertThat(s.generation()).isEqualTo(7);
        assertThat(s.state()).isEqualTo(SlotState.STARTING);
        assertThat(s.stateName()).isEqualTo("starting");
        assertThat(s.loops()).hasSize(2);
        assertThat(s.oldestHeartbeatNanos()).isEqualTo(1_000);
    }

    @Test
    void countersAreSummedOverLoops() {
        Scoreboard.SlotWriter writer = mapped.writer(0, 2);
        writer.begin(100, 1, 0);
        Scoreboard.LoopWriter a = writer.loop(0);
        Scoreboard.LoopWriter b = writer.loop(1);
        a.connectionOpened();
        a.connectionOpened();
        a.connectionClosed();
        b.connectionOpened();
        a.requestStarted();
        a.requestFinished();
        b.requestStarted();
        b.requestFinished();
        b.requestStarted();
        b.requestFinished();
        a.acceptWon();
        b.acceptWon();
        b.acceptWon();
        a.acceptLost();
        b.acceptError();
        a.acceptDeferred();
        a.rebalanceClosed();
        a.rebalanceClosed();
        b.rebalanceClosed();
        b.limitClosed();

        SlotSnapshot s = board.read(0);
        assertThat(s.connections()).isEqualTo(2);
        assertThat(s.inFlight()).isZero();
        assertThat(s.requests()).isEqualTo(3);
        assertThat(s.acceptsWon()).isEqualTo(3);
        assertThat(s.acceptsLost()).isEqualTo(1);
        assertThat(s.acceptErrors()).isEqualTo(1);
        assertThat(s.acceptsDeferred()).isEqualTo(1);
        assertThat(s.rebalanceCloses()).isEqualTo(3);
        assertThat(s.limitCloses()).isEqualTo(1);
        assertThat(s.loops()).extracting(SlotSnapshot.LoopSnapshot::rebalanceCloses).containsExactly(2L, 1L);
        assertThat(s.loops()).extracting(SlotSnapshot.LoopSnapshot::limitCloses).containsExactly(0L, 1L);
        assertThat(s.loops().get(0).connections()).isEqualTo(1);
        assertThat(s.loops().get(1).requests()).isEqualTo(2);
        assertThat(a.connections()).isEqualTo(1);
        assertThat(writer.connections(1)).isEqualTo(1);
    }

    @Test
    void theFairShareIsOverEveryReadyHandlersLoopsOrOverOneHandlersOwn() {
        Scoreboard.SlotWriter busy = mapped.writer(0, 2);
        busy.begin(100, 1, 0);
        busy.state(SlotState.READY);
        for (int i = 0; i < 6; i++) {
            busy.loop(0).connectionOpened();
        }
        busy.loop(1).connectionOpened();
        Scoreboard.SlotWriter quiet = mapped.writer(1, 2);
        quiet.begin(101, 1, 0);
        quiet.state(SlotState.READY);
        quiet.loop(0).connectionOpened();
        Scoreboard.SlotWriter booting = mapped.writer(2, 2);
        booting.begin(102, 1, 0);
        booting.loop(0).connectionOpened();

        assertThat(mapped.meanConnectionsPerReadyLoop()).as("8 connections over 4 ready loops").isEqualTo(2.0);
        assertThat(mapped.meanConnectionsPerLoopOf(0)).isEqualTo(3.5);
        assertThat(mapped.meanConnectionsPerLoopOf(1)).isEqualTo(0.5);
    }

    @Test
    void theOldestHeartbeatIsTheMinimumOverLoops() {
        Scoreboard.SlotWriter writer = mapped.writer(0, 2);
        writer.begin(100, 1, 5_000);
        writer.loop(0).stamp(9_000, 0);
        writer.loop(1).stamp(7_000, 0);

        SlotSnapshot s = board.read(0);
        assertThat(s.oldestHeartbeatNanos()).isEqualTo(7_000);
        assertThat(s.loops()).extracting(SlotSnapshot.LoopSnapshot::heartbeatNanos).containsExactly(9_000L, 7_000L);
    }

    @Test
    void aStampWritesTheHeartbeatWithTheBusyNanosOfTheSameInstant() {
        Scoreboard.SlotWriter writer = mapped.writer(0, 2);
        writer.begin(100, 1, 5_000);
        writer.loop(0).stamp(9_000, 3_000);
        writer.loop(1).stamp(8_000, 1_000);
        writer.loop(0).stamp(10_000, 3_500);

        SlotSnapshot s = board.read(0);
        assertThat(s.loops()).extracting(SlotSnapshot.LoopSnapshot::heartbeatNanos).containsExactly(10_000L, 8_000L);
        assertThat(s.loops()).extracting(SlotSnapshot.LoopSnapshot::busyNanos).containsExactly(3_500L, 1_000L);
        assertThat(s.busyNanos()).isEqualTo(4_500);
    }

    @Test
    void aReaderNeverPairsOneStampsBusyNanosWithAnothersHeartbeat() throws InterruptedException {
        Scoreboard.SlotWriter writer = mapped.writer(0, 1);
        writer.begin(100, 1, 0);
        Scoreboard.LoopWriter loop = writer.loop(0);
        // Each stamp writes busy = heartbeat / 2: a torn pair would show as any other ratio.
        Thread stamper = Thread.ofPlatform().start(() -> {
            for (long t = 2; t <= 2_000_000; t += 2) {
                loop.stamp(t, t / 2);
            }
        });
        long torn = 0;
        long reads = 0;
        while (stamper.isAlive()) {
            SlotSnapshot.LoopSnapshot s = board.read(0).loops().getFirst();
            reads++;
            if (s.busyNanos() * 2 != s.heartbeatNanos()) {
                torn++;
            }
        }
        stamper.join();
        assertThat(torn).as("torn pairs in %d reads", reads).isZero();
    }

    @Test
    void aHandlerWithFewerLoopsThanTheSlotHasIsReadWithItsOwnLoopsOnly() {
        Scoreboard.SlotWriter writer = mapped.writer(0, 1);
        writer.begin(100, 1, 5_000);
        assertThat(writer.loops()).isEqualTo(1);

        SlotSnapshot s = board.read(0);
        assertThat(s.loops()).hasSize(1);
        // The unused second line (heartbeat 0) must not count as the oldest heartbeat.
        assertThat(s.oldestHeartbeatNanos()).isEqualTo(5_000);
    }

    @Test
    void readyIsIdleWithoutRequestsInFlightAndBusyWithThem() {
        Scoreboard.SlotWriter writer = mapped.writer(0, 2);
        writer.begin(100, 1, 0);
        writer.state(SlotState.READY);
        assertThat(board.read(0).stateName()).isEqualTo("idle");

        writer.loop(1).requestStarted();
        assertThat(board.read(0).stateName()).isEqualTo("busy");
        assertThat(board.read(0).inFlight()).isEqualTo(1);

        writer.loop(1).requestFinished();
        assertThat(board.read(0).stateName()).isEqualTo("idle");

        writer.state(SlotState.DRAINING);
        assertThat(board.read(0).stateName()).isEqualTo("draining");
    }

    @Test
    void clearZeroesTheSlot() {
        Scoreboard.SlotWriter writer = mapped.writer(2, 2);
        writer.begin(100, 3, 50);
        writer.state(SlotState.READY);
        writer.loop(0).requestStarted();
        writer.loop(0).requestFinished();
        writer.loop(1).connectionOpened();
        writer.loop(1).stamp(60, 40);
        writer.loop(1).limitClosed();

        board.clear(2);

        SlotSnapshot s = board.read(2);
        assertThat(s.state()).isEqualTo(SlotState.EMPTY);
        assertThat(s.pid()).isZero();
        assertThat(s.generation()).isZero();
        assertThat(s.requests()).isZero();
        assertThat(s.connections()).isZero();
        assertThat(s.busyNanos()).isZero();
        assertThat(s.limitCloses()).isZero();
        assertThat(s.loops()).isEmpty();
    }

    @Test
    void slotsAreIndependent() {
        Scoreboard.SlotWriter first = mapped.writer(0, 2);
        Scoreboard.SlotWriter second = mapped.writer(1, 2);
        first.begin(100, 1, 10);
        second.begin(200, 2, 20);
        first.state(SlotState.READY);
        first.loop(1).requestStarted();
        first.loop(1).requestFinished();
        second.loop(0).connectionOpened();

        board.clear(0);

        SlotSnapshot s1 = board.read(1);
        assertThat(s1.pid()).isEqualTo(200);
        assertThat(s1.generation()).isEqualTo(2);
        assertThat(s1.state()).isEqualTo(SlotState.STARTING);
        assertThat(s1.requests()).isZero();
        assertThat(s1.connections()).isEqualTo(1);
        assertThat(board.read(0).pid()).isZero();
        assertThat(board.read(2).state()).isEqualTo(SlotState.EMPTY);
    }

    @Test
    void slotsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> board.read(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> board.read(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> board.clear(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> mapped.writer(3, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aWriterMayNotHaveMoreLoopsThanTheSlot() {
        assertThatIllegalArgumentException().isThrownBy(() -> mapped.writer(0, 3)).withMessageContaining("1..2");
        assertThatIllegalArgumentException().isThrownBy(() -> mapped.writer(0, 0));
    }

    @Test
    void loopIndexOutOfRangeIsRefused() {
        Scoreboard.SlotWriter writer = mapped.writer(0, 1);
        assertThatThrownBy(() -> writer.loop(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> writer.loop(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
