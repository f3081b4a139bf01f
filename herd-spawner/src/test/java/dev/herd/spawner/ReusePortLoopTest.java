package dev.herd.spawner;

import dev.herd.config.Setting;
import dev.herd.config.Settings;
import dev.herd.os.ListeningSocket;
import dev.herd.os.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --accept reuseport} in the spawner loop: a socket of the SO_REUSEPORT group per handler,
 * held by the spawner and handed on to whoever takes the handler's place; closed only when the
 * pool shrinks. Fake launcher, manual clock, real sockets (they are what is handed on).
 */
class ReusePortLoopTest {

    private static Map<Setting<?>, String> pool(int handlers) {
        return Map.of(Settings.ACCEPT, "reuseport", Settings.HANDLERS, String.valueOf(handlers),
                Settings.MAX_HANDLERS, "4", Settings.BOOT_TIMEOUT, "2s", Settings.TIMEOUT, "4s",
                Settings.GRACEFUL_TIMEOUT, "5s", Settings.BACKLOG, "16");
    }

    private static SpawnerFixture running(Map<Setting<?>, String> settings) {
        SpawnerFixture loop = new SpawnerFixture(settings);
        loop.pass();
        loop.bootAll();
        loop.pass();
        return loop;
    }

    private static List<ListeningSocket> socketsOf(List<FakeLauncher.Fake> fakes) {
        return fakes.stream().map(f -> f.socket).toList();
    }

    @Test
    void eachHandlerGetsASocketOfItsOwnOnTheSameAddressTheFirstBeingTheBoundOne() {
        try (SpawnerFixture loop = running(pool(3))) {
            List<ListeningSocket> sockets = socketsOf(loop.launcher.spawned);
            assertThat(sockets).hasSize(3).doesNotHaveDuplicates().first().isSameAs(loop.socket);
            assertThat(sockets).allMatch(s -> s.address().equals(loop.socket.address()) && s.reusesPort() && s.isOpen());
            assertThat(loop.events()).contains("on socket 0 of the SO_REUSEPORT group").contains("on socket 2 of the SO_REUSEPORT group");
            assertThat(loop.spawner.queueDepth().backlog()).as("three accept queues of 16").isEqualTo(48);
        }
    }

    @Test
    void aDeadHandlersReplacementTakesOverItsSocketAndWhatIsQueuedOnIt() {
        try (SpawnerFixture loop = running(pool(2))) {
            FakeLauncher.Fake dead = loop.launcher.spawned.get(1);
            loop.launcher.signal(dead.pid, Signal.KILL);
            loop.pass();
            FakeLauncher.Fake replacement = loop.launcher.spawned.getLast();
            assertThat(loop.launcher.spawned).hasSize(3);
            assertThat(replacement.socket).isSameAs(dead.socket);
            assertThat(dead.socket.isOpen()).isTrue();
        }
    }

    @Test
    void aRetiringHandlersReplacementTakesOverItsSocket() {
        try (SpawnerFixture loop = running(Map.of(Settings.ACCEPT, "reuseport", Settings.HANDLERS, "1",
                Settings.MAX_REQUESTS, "10"))) {
            FakeLauncher.Fake old = loop.launcher.spawned.getFirst();
            loop.serve(old, 10);
            loop.runFor(Duration.ofSeconds(1));
            assertThat(loop.launcher.spawned).hasSize(2);
            assertThat(loop.launcher.spawned.getLast().socket).isSameAs(old.socket);
            loop.bootAll();
            loop.pass();
            assertThat(loop.launcher.signalsTo(old)).containsExactly(Signal.TERM);
            assertThat(old.socket.isOpen()).isTrue();
        }
    }

    @Test
    void aReloadsNewGenerationTakesOverTheSocketsAndGrowsTheGroupIfItIsLarger() {
        try (SpawnerFixture loop = running(pool(2))) {
            List<ListeningSocket> before = socketsOf(loop.launcher.ofGeneration(1));
            loop.onReloadRead(() -> SpawnerFixture.config(pool(3)));
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.pass();
            assertThat(socketsOf(loop.launcher.ofGeneration(2))).containsExactlyElementsOf(before);
            loop.bootAll();
            loop.pass();
            assertThat(outcome).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Reloaded);
            loop.pass();
            List<ListeningSocket> after = socketsOf(loop.launcher.ofGeneration(2));
            assertThat(after).hasSize(3).doesNotHaveDuplicates().containsAll(before);
            assertThat(after).allMatch(ListeningSocket::isOpen);
            assertThat(loop.events()).doesNotContain("closed socket");
        }
    }

    @Test
    void shrinkingClosesTheSocketsNoHandlerUsesAndSaysWhatHappensToTheirQueues() {
        try (SpawnerFixture loop = running(pool(3))) {
            loop.spawner.requestScale(OptionalInt.of(1), "test");
            loop.pass();
            List<FakeLauncher.Fake> stopped = loop.launcher.spawned.stream()
                    .filter(f -> loop.launcher.signalsTo(f).contains(Signal.TERM)).toList();
            assertThat(stopped).hasSize(2);
            assertThat(stopped).allMatch(f -> !f.socket.isOpen());
            FakeLauncher.Fake kept = loop.launcher.alive().getFirst();
            assertThat(kept.socket.isOpen()).isTrue();
            assertThat(loop.events()).contains("of the SO_REUSEPORT group: the pool shrank to 1; ")
                    .containsPattern("net\\.ipv4\\.tcp_migrate_req = [01]");
            assertThat(loop.spawner.queueDepth().backlog()).isEqualTo(16);

            // Growing again opens new sockets for the new handlers.
            loop.spawner.requestScale(OptionalInt.of(2), "test");
            loop.pass();
            ListeningSocket grown = loop.launcher.spawned.getLast().socket;
            assertThat(grown.isOpen()).isTrue();
            assertThat(grown).isNotSameAs(kept.socket);
        }
    }
}
