package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import dev.herd.os.ExitCode;
import dev.herd.os.Signal;
import org.junit.jupiter.api.Test;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole spawner loop, driven through a fake launcher and a manual clock: every lifecycle path, no process, no sleep. */
class SpawnerLoopTest {

    private static Map<Setting<?>, String> staticPool(int handlers) {
        return Map.of(Settings.HANDLERS, String.valueOf(handlers), Settings.BOOT_TIMEOUT, "2s",
                Settings.TIMEOUT, "4s", Settings.GRACEFUL_TIMEOUT, "5s", Settings.MAX_BOOT_FAILURES, "2");
    }

    private static Map<Setting<?>, String> with(Map<Setting<?>, String> base, Setting<?> setting, String value) {
        var copy = new java.util.HashMap<>(base);
        copy.put(setting, value);
        return copy;
    }

    /** Starts the pool and boots it: every handler ready, heartbeats flowing. */
    private static SpawnerFixture running(Map<Setting<?>, String> settings) {
        SpawnerFixture loop = new SpawnerFixture(settings);
        loop.pass();
        // Standbys start once the handlers that accept are up: twice round.
        for (int round = 0; round < 2; round++) {
            loop.bootAll();
            loop.pass();
        }
        assertThat(loop.spawner.view().handlers()).allMatch(e -> e.phase().equals("ready") || e.phase().equals("standby"));
        return loop;
    }

    @Test
    void aHandlerThatNeverBootsIsDumpedKilledAndCountedUntilTheSpawnerGivesUp() {
        try (SpawnerFixture loop = new SpawnerFixture(staticPool(1))) {
            loop.runFor(Duration.ofSeconds(60));

            assertThat(loop.spawner.finished()).isTrue();
            assertThat(loop.spawner.exitCode()).isEqualTo(ExitCode.BOOT_FAILURE);
            assertThat(loop.launcher.spawned).hasSize(2);
            for (FakeLauncher.Fake fake : loop.launcher.spawned) {
                assertThat(loop.launcher.signalsTo(fake)).containsExactly(Signal.QUIT, Signal.KILL);
            }
            assertThat(loop.events())
                    .contains("not ready after 2000 ms: thread dump (SIGQUIT), then SIGKILL")
                    .contains("after it was not ready within 2000 ms (1 boot failures in a row)")
                    .contains("(2 boot failures in a row)")
                    .contains("give-up: handlers failed to boot 2 times in a row");
        }
    }

    @Test
    void theKillFollowsTheThreadDumpAfterItsGraceAndTheDeadlinesSetTheSleep() {
        try (SpawnerFixture loop = new SpawnerFixture(staticPool(1))) {
            long start = loop.clock.nanoTime();
            loop.pass();
            FakeLauncher.Fake fake = loop.launcher.spawned.getFirst();
            loop.runFor(Duration.ofMillis(1999));
            assertThat(loop.launcher.signalsTo(fake)).isEmpty();
            loop.runFor(Duration.ofMillis(1));
            assertThat(loop.launcher.signalsTo(fake)).containsExactly(Signal.QUIT);
            // Dumped: the next deadline is its kill, one second on, and the loop sleeps until then.
            assertThat(loop.pass()).isEqualTo(start + Duration.ofSeconds(3).toNanos());
            loop.runFor(Duration.ofMillis(999));
            assertThat(loop.launcher.signalsTo(fake)).containsExactly(Signal.QUIT);
            loop.runFor(Duration.ofMillis(1));
            assertThat(loop.launcher.signalsTo(fake)).containsExactly(Signal.QUIT, Signal.KILL);
        }
    }

    @Test
    void anExitBeforeReadyIsABootFailureAndReadinessResetsTheCount() {
        try (SpawnerFixture loop = new SpawnerFixture(staticPool(1))) {
            loop.pass();
            loop.launcher.exit(loop.launcher.spawned.getFirst(), 3);
            loop.pass();
            assertThat(loop.events()).contains("exited with status 3 before it was ready (1 boot failures in a row); "
                    + "next spawn in 100 ms");
            loop.runFor(Duration.ofMillis(100));
            assertThat(loop.launcher.spawned).hasSize(2);
            loop.bootAll();
            loop.pass();
            loop.launcher.exit(loop.launcher.alive().getFirst(), 1);
            loop.pass();
            assertThat(loop.events()).contains("exited with status 1 unexpectedly; replacing it");
            assertThat(loop.spawner.finished()).isFalse();
            assertThat(loop.launcher.spawned).hasSize(3);
        }
    }

    @Test
    void aHandlerWhoseHeartbeatStopsGetsAThreadDumpThenAKillThenAReplacement() {
        try (SpawnerFixture loop = running(staticPool(2))) {
            FakeLauncher.Fake hung = loop.launcher.spawned.getFirst();
            loop.hang(hung);
            loop.runFor(Duration.ofMillis(3900));
            assertThat(loop.launcher.signalsTo(hung)).isEmpty();
            loop.runFor(Duration.ofMillis(200));
            assertThat(loop.launcher.signalsTo(hung)).containsExactly(Signal.QUIT);
            loop.runFor(Duration.ofSeconds(1));
            assertThat(loop.launcher.signalsTo(hung)).containsExactly(Signal.QUIT, Signal.KILL);
            assertThat(loop.launcher.spawned).hasSize(3);
            assertThat(loop.launcher.signalsTo(loop.launcher.spawned.get(1))).isEmpty();
            assertThat(loop.events()).contains("missed heartbeats for").contains("after it hung; replacing it");
        }
    }

    @Test
    void heartbeatsAreNotJudgedInAPassThatComesLate() {
        try (SpawnerFixture loop = running(staticPool(1))) {
            FakeLauncher.Fake fake = loop.launcher.spawned.getFirst();
            loop.hang(fake);
            loop.clock.advance(Duration.ofSeconds(10));
            loop.pass();
            assertThat(loop.launcher.signalsTo(fake)).isEmpty();
            assertThat(loop.events()).contains("overslept: spawner loop stalled");
            loop.pass();
            assertThat(loop.launcher.signalsTo(fake)).containsExactly(Signal.QUIT);
        }
    }

    @Test
    void aWedgedDrainIsKilledAfterTheGracefulTimeoutAndItsGrace() {
        try (SpawnerFixture loop = running(staticPool(2))) {
            loop.launcher.spawned.forEach(f -> f.ignoresTerm = true);
            loop.spawner.requestScale(OptionalInt.of(1), "test");
            loop.pass();
            FakeLauncher.Fake draining = loop.launcher.spawned.stream()
                    .filter(f -> loop.launcher.signalsTo(f).contains(Signal.TERM)).findFirst().orElseThrow();
            loop.runFor(Duration.ofMillis(6999));
            assertThat(loop.launcher.signalsTo(draining)).containsExactly(Signal.TERM);
            loop.runFor(Duration.ofMillis(1));
            assertThat(loop.launcher.signalsTo(draining)).containsExactly(Signal.TERM, Signal.KILL);
            loop.pass();
            assertThat(loop.spawner.view().handlers()).hasSize(1);
            assertThat(loop.events()).contains("did not exit within 7000 ms of SIGTERM (--graceful-timeout 5000 ms): SIGKILL");
        }
    }

    @Test
    void aStopEscalatesToKillForWhatDoesNotExit() {
        try (SpawnerFixture loop = running(staticPool(2))) {
            FakeLauncher.Fake wedged = loop.launcher.spawned.getFirst();
            wedged.ignoresTerm = true;
            loop.spawner.requestStop("test");
            loop.runFor(Duration.ofSeconds(8));
            assertThat(loop.spawner.finished()).isTrue();
            assertThat(loop.spawner.exitCode()).isEqualTo(ExitCode.OK);
            assertThat(loop.launcher.signalsTo(wedged)).containsExactly(Signal.TERM, Signal.KILL);
            assertThat(loop.launcher.signalsTo(loop.launcher.spawned.get(1))).containsExactly(Signal.TERM);
        }
    }

    @Test
    void aReloadStartsANewGenerationAndDrainsTheOldOnceItIsReady() {
        try (SpawnerFixture loop = running(staticPool(2))) {
            loop.onReloadRead(() -> SpawnerFixture.config(with(staticPool(3), Settings.MAX_BODY, "2m")));
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.pass();
            // The new generation boots with the target that applied so far; the old one serves.
            assertThat(loop.launcher.ofGeneration(2)).hasSize(2)
                    .allMatch(f -> f.argument("max-body").equals("2m"));
            assertThat(loop.spawner.view().reloading()).isEqualTo(2);
            loop.runFor(Duration.ofSeconds(1));
            assertThat(outcome).isNotDone();
            assertThat(loop.launcher.ofGeneration(1)).allMatch(f -> loop.launcher.signalsTo(f).isEmpty());

            loop.clock.advance(Duration.ofMillis(500));
            loop.bootAll();
            loop.pass();
            assertThat(outcome).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Reloaded r
                    && r.generation() == 2 && r.took().equals(Duration.ofMillis(1500)) && r.ignored().isEmpty());
            assertThat(loop.launcher.ofGeneration(1)).allMatch(f -> loop.launcher.signalsTo(f).equals(List.of(Signal.TERM)));
            assertThat(loop.spawner.view().generation()).isEqualTo(2);
            assertThat(loop.spawner.view().reloading()).isZero();
            // The new configuration's --handlers 3 applies from now on.
            loop.pass();
            assertThat(loop.launcher.ofGeneration(2)).hasSize(3);
            assertThat(loop.events()).contains("test: starting generation 2 (2 handlers); generation 1 serves until it is ready")
                    .contains("generation 2 serves (2 handlers ready 1500 ms after test); generation 1 drains: 2 handlers");
        }
    }

    @Test
    void aNewGenerationThatFailsToBootLeavesTheOldOneServing() {
        try (SpawnerFixture loop = running(staticPool(2))) {
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.pass();
            List<FakeLauncher.Fake> next = loop.launcher.ofGeneration(2);
            assertThat(next).hasSize(2);
            loop.launcher.exit(next.getFirst(), 3);
            loop.pass();

            assertThat(outcome).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Failed f
                    && f.generation() == 1 && f.reason().contains("exited with status 3 before it was ready"));
            assertThat(loop.launcher.signalsTo(next.get(1))).containsExactly(Signal.TERM);
            assertThat(loop.launcher.ofGeneration(1)).allMatch(f -> loop.launcher.signalsTo(f).isEmpty());
            assertThat(loop.spawner.view().generation()).isEqualTo(1);
            // Not a boot failure of the serving generation: nothing backs off, nothing gives up,
            // and a handler that dies now is replaced from generation 1.
            loop.launcher.exit(loop.launcher.ofGeneration(1).getFirst(), 1);
            loop.pass();
            assertThat(loop.launcher.spawned.getLast().generation()).isEqualTo(1);
            assertThat(loop.spawner.finished()).isFalse();
            assertThat(loop.events()).contains("reload to generation 2 failed:").contains("generation 1 keeps serving");
        }
    }

    @Test
    void aNewGenerationThatHangsAtBootFailsTheReloadAtItsBootTimeout() {
        try (SpawnerFixture loop = running(staticPool(1))) {
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.runFor(Duration.ofSeconds(4));
            assertThat(outcome).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Failed f
                    && f.reason().contains("was killed by SIGKILL after it was not ready within 2000 ms"));
            assertThat(loop.launcher.signalsTo(loop.launcher.ofGeneration(2).getFirst()))
                    .containsExactly(Signal.QUIT, Signal.KILL);
            assertThat(loop.launcher.alive()).extracting(FakeLauncher.Fake::generation).containsExactly(1);
        }
    }

    @Test
    void aReloadDuringAScaleUpWaitsForTheGrownTarget() {
        try (SpawnerFixture loop = running(with(staticPool(1), Settings.MAX_HANDLERS, "4"))) {
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.pass();
            loop.spawner.requestScale(OptionalInt.of(3), "test");
            loop.pass();
            assertThat(loop.launcher.ofGeneration(2)).hasSize(3);
            assertThat(loop.launcher.ofGeneration(1)).hasSize(1);
            loop.boot(loop.launcher.ofGeneration(2).getFirst());
            loop.pass();
            assertThat(outcome).isNotDone();
            loop.bootAll();
            loop.pass();
            assertThat(outcome).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Reloaded);
            assertThat(loop.launcher.signalsTo(loop.launcher.ofGeneration(1).getFirst())).containsExactly(Signal.TERM);
            assertThat(loop.spawner.view().targetHandlers()).isEqualTo(3);
        }
    }

    @Test
    void aBadConfigurationIsRefusedWithoutTouchingTheRunningGeneration() {
        try (SpawnerFixture loop = running(staticPool(1))) {
            loop.onReloadRead(() -> {
                throw new IllegalArgumentException("herd.toml:3: unknown key 'max-handler'");
            });
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.pass();
            assertThat(outcome).isCompletedWithValue(new ReloadOutcome.Failed(1,
                    "invalid configuration: herd.toml:3: unknown key 'max-handler'"));
            assertThat(loop.launcher.spawned).hasSize(1);
            assertThat(loop.launcher.signals).isEmpty();
        }
    }

    @Test
    void settingsThatNeedARestartAreReportedAndKeepTheirRunningValues() {
        try (SpawnerFixture loop = running(staticPool(1))) {
            loop.onReloadRead(() -> SpawnerFixture.config(with(staticPool(1), Settings.THREADS, "4")));
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.pass();
            assertThat(loop.launcher.ofGeneration(2)).hasSize(1);
            assertThat(loop.scoreboard.loopsPerSlot()).as("the scoreboard's layout, which handlers follow").isEqualTo(2);
            loop.bootAll();
            loop.pass();
            assertThat(outcome).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Reloaded r
                    && r.ignored().equals(List.of("--threads 4 needs a restart; auto still applies")));
        }
    }

    @Test
    void aSecondReloadWhileOneIsUnderWayIsRefused() {
        try (SpawnerFixture loop = running(staticPool(1))) {
            loop.spawner.requestReload("first");
            loop.pass();
            CompletableFuture<ReloadOutcome> second = loop.spawner.requestReload("second");
            loop.pass();
            assertThat(second).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Failed f
                    && f.reason().startsWith("a reload to generation 2 is under way (asked by first"));
        }
    }

    @Test
    void aStopDuringAReloadEndsItAsFailed() {
        try (SpawnerFixture loop = running(staticPool(1))) {
            CompletableFuture<ReloadOutcome> outcome = loop.spawner.requestReload("test");
            loop.pass();
            loop.spawner.requestStop("test");
            loop.runFor(Duration.ofSeconds(1));
            assertThat(outcome).isCompletedWithValueMatching(o -> o instanceof ReloadOutcome.Failed f
                    && f.reason().startsWith("the server is stopping"));
            assertThat(loop.spawner.finished()).isTrue();
        }
    }

    @Test
    void aHandlerStoppedWhileBootingIsNoBootFailure() {
        try (SpawnerFixture loop = running(with(staticPool(2), Settings.MAX_HANDLERS, "4"))) {
            loop.spawner.requestScale(OptionalInt.of(4), "test");
            loop.pass();
            loop.spawner.requestScale(OptionalInt.of(2), "test");
            loop.pass();
            loop.pass();
            assertThat(loop.events()).contains("stops while booting").doesNotContain("boot-failure");
        }
    }

    @Test
    void aHandlerPastMaxRequestsIsRetiredOnlyOnceItsReplacementAccepts() {
        try (SpawnerFixture loop = running(with(staticPool(1), Settings.MAX_REQUESTS, "10"))) {
            FakeLauncher.Fake old = loop.launcher.spawned.getFirst();
            loop.serve(old, 10);
            loop.runFor(Duration.ofSeconds(1));
            assertThat(loop.launcher.spawned).hasSize(2);
            assertThat(loop.launcher.signalsTo(old)).isEmpty();
            loop.bootAll();
            loop.pass();
            assertThat(loop.launcher.signalsTo(old)).containsExactly(Signal.TERM);
            assertThat(loop.events()).contains("retiring handler 0 (pid 1000, generation 1): served 10 requests (limit 10)")
                    .contains("stops: served 10 requests (limit 10); 1 others accept");
        }
    }

    @Test
    void growingActivatesAStandbyFirstAndStartsANewOneBehindIt() {
        try (SpawnerFixture loop = running(with(with(staticPool(1), Settings.STANDBY, "1"), Settings.MAX_HANDLERS, "4"))) {
            FakeLauncher.Fake standby = loop.launcher.spawned.stream().filter(FakeLauncher.Fake::standby)
                    .findFirst().orElseThrow();
            loop.spawner.requestScale(OptionalInt.of(2), "test");
            loop.pass();
            assertThat(loop.launcher.signalsTo(standby)).containsExactly(Signal.USR1);
            assertThat(loop.launcher.spawned).hasSize(3);
            assertThat(loop.launcher.spawned.getLast().standby()).isTrue();
        }
    }

    @Test
    void whenEveryHandlerDiedAndClientsWaitTheReplacementsAreHurriedOnceTheyClaimTheirSlots() throws Exception {
        try (SpawnerFixture loop = running(staticPool(2));
             SocketChannel waiting = SocketChannel.open(loop.socket.inetAddress().orElseThrow())) {
            List<FakeLauncher.Fake> first = List.copyOf(loop.launcher.alive());
            loop.launcher.exit(first.get(0), 128 + 9);
            loop.pass();
            FakeLauncher.Fake early = loop.launcher.alive().getLast();
            loop.claim(early);
            loop.pass();
            assertThat(loop.launcher.signalsTo(early)).as("a sibling still accepts").isEmpty();

            loop.launcher.exit(first.get(1), 128 + 9);
            loop.pass();
            FakeLauncher.Fake late = loop.launcher.alive().getLast();
            assertThat(loop.launcher.signalsTo(late)).as("no signal handler before the slot is claimed").isEmpty();
            assertThat(loop.launcher.signalsTo(early)).containsExactly(Signal.USR1);
            assertThat(loop.events()).contains("no handler accepts and 1 connections wait: " + "handler "
                    + early.slot() + " (pid " + early.pid + ", generation 1) joins without the rest of its warm-up");

            loop.claim(late);
            loop.pass();
            loop.pass();
            assertThat(loop.launcher.signalsTo(late)).containsExactly(Signal.USR1);
            assertThat(loop.launcher.signalsTo(early)).as("once").containsExactly(Signal.USR1);
        }
    }

    @Test
    void atTheFirstStartHandlersWarmUpInFullEvenWithClientsWaiting() throws Exception {
        try (SpawnerFixture loop = new SpawnerFixture(staticPool(1));
             SocketChannel waiting = SocketChannel.open(loop.socket.inetAddress().orElseThrow())) {
            loop.pass();
            loop.claim(loop.launcher.spawned.getFirst());
            loop.runFor(Duration.ofMillis(500));
            assertThat(loop.launcher.signals).isEmpty();
        }
    }

    @Test
    void aSigkillHerdDidNotSendIsPutOnTheOomKillerWhenItsCountRose() {
        try (SpawnerFixture loop = running(staticPool(2))) {
            List<FakeLauncher.Fake> handlers = List.copyOf(loop.launcher.alive());
            loop.serve(handlers.get(0), 10);
            loop.launcher.exit(handlers.get(0), 128 + 9);
            loop.pass();
            loop.launcher.oomKills += 2;
            loop.launcher.exit(handlers.get(1), 128 + 9);
            loop.pass();

            assertThat(loop.events()).contains("handler 0 (pid " + handlers.get(0).pid
                            + ", generation 1) was killed by SIGKILL unexpectedly; replacing it")
                    .contains("handler 1 (pid " + handlers.get(1).pid + ", generation 1) was killed by SIGKILL "
                            + "unexpectedly, most likely by the kernel's OOM killer (its kill count rose by 2; the kernel "
                            + "log names its victims); replacing it");
            assertThat(loop.launcher.alive()).hasSize(2);
            assertThat(loop.spawner.view().counts().restarts()).isEqualTo(Map.of("crash", 1L, "oom", 1L));
            assertThat(loop.spawner.view().counts().exited().get(new Counts.SlotKey(handlers.get(0).slot(), 1)).requests())
                    .as("the metrics carry an exited handler's counters on in its slot").isEqualTo(10);
            assertThat(loop.spawner.view().counts().exitedRequests()).isEqualTo(10);
        }
    }

    @Test
    void standbysAreRefilledOnceTheReplacementsThatWillAcceptHaveBooted() {
        try (SpawnerFixture loop = running(with(staticPool(2), Settings.STANDBY, "1"))) {
            List<FakeLauncher.Fake> accepting = loop.launcher.alive().stream().filter(f -> !f.standby()).toList();
            FakeLauncher.Fake standby = loop.launcher.alive().stream().filter(FakeLauncher.Fake::standby)
                    .findFirst().orElseThrow();
            accepting.forEach(f -> loop.launcher.exit(f, 128 + 9));
            loop.pass();
            assertThat(loop.launcher.signalsTo(standby)).containsExactly(Signal.USR1);
            FakeLauncher.Fake replacement = loop.launcher.spawned.getLast();
            assertThat(replacement.standby()).isFalse();
            assertThat(loop.launcher.spawned).hasSize(4);

            loop.boot(replacement);
            loop.pass();
            assertThat(loop.launcher.spawned).hasSize(5);
            assertThat(loop.launcher.spawned.getLast().standby()).isTrue();
        }
    }

    @Test
    void theServiceManagerHearsReadyReloadingReadyAndStopping() {
        try (SpawnerFixture loop = new SpawnerFixture(staticPool(2))) {
            loop.pass();
            assertThat(loop.notified).isEmpty();
            loop.boot(loop.launcher.spawned.getFirst());
            loop.pass();
            assertThat(loop.notified).as("one of two handlers is not ready yet").isEmpty();
            loop.bootAll();
            loop.pass();
            assertThat(loop.notified).singleElement().asString().startsWith("READY=1\nMAINPID=")
                    .endsWith("\nSTATUS=generation 1 serving on " + loop.socket.address() + " with 2 handlers");

            loop.spawner.requestReload("test");
            loop.pass();
            assertThat(loop.notified.getLast()).matches("RELOADING=1\nMONOTONIC_USEC=\\d+\nSTATUS=reloading to generation 2");
            loop.bootAll();
            loop.pass();
            loop.pass();
            assertThat(loop.notified.getLast()).startsWith("READY=1\n").contains("generation 2 serving");

            loop.spawner.requestStop("test");
            loop.pass();
            assertThat(loop.notified.getLast()).isEqualTo("STOPPING=1\nSTATUS=stopping: test");
            assertThat(loop.notified).hasSize(4);
        }
    }

    @Test
    void theWatchdogIsFedAtHalfItsIntervalByTheLoop() {
        try (SpawnerFixture loop = running(staticPool(1))) {
            loop.watchdog = Optional.of(Duration.ofSeconds(10));
            loop.runFor(Duration.ofSeconds(12));
            assertThat(loop.notified.stream().filter(m -> m.equals("WATCHDOG=1"))).as("at 0, 5 and 10 s").hasSize(3);
        }
    }

    @Test
    void theConfigurationOfTheTestsIsValid() {
        Config config = SpawnerFixture.config(staticPool(2));
        assertThat(Settings.scaling(config)).isEqualTo(Settings.Scaling.STATIC);
    }
}
