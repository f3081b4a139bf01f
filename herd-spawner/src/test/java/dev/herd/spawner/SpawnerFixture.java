package dev.herd.spawner;

import dev.herd.config.Address;
import dev.herd.config.Config;
import dev.herd.config.ConfigSource;
import dev.herd.config.Setting;
import dev.herd.config.Settings;
import dev.herd.os.ListeningSocket;
import dev.herd.scoreboard.Scoreboard;
import dev.herd.scoreboard.SlotState;
import dev.herd.time.ManualClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The spawner loop with a fake launcher and a manual clock: a test moves time from one planned
 * wake-up to the next, as the real loop would sleep, and plays the handlers' side of the
 * scoreboard (boot, heartbeats). No process starts and nothing sleeps.
 */
final class SpawnerFixture implements AutoCloseable {
    final ManualClock clock = new ManualClock(1_000_000_000_000L);
    final FakeLauncher launcher = new FakeLauncher();
    /** What the spawner told the service manager, message by message. */
    final List<String> notified = new ArrayList<>();
    /** The watchdog interval the fake service manager asks for, if any. */
    Optional<Duration> watchdog = Optional.empty();
    final Scoreboard scoreboard;
    final ListeningSocket socket;
    final Spawner spawner;
    /** Handlers that stamp their heartbeats as time passes (booted, not hung). */
    private final Set<FakeLauncher.Fake> beating = new HashSet<>();
    private Supplier<Config> reloadWith;

    SpawnerFixture(Map<Setting<?>, String> settings) {
        Config config = config(settings);
        this.reloadWith = () -> config;
        this.scoreboard = Scoreboard.create(Spawner.slotsFor(config), Settings.threads(config, 2));
        this.socket = config.get(Settings.ACCEPT) == Settings.Accept.REUSEPORT
                ? ListeningSocket.bindReusingPort((Address.Inet) Address.parse("127.0.0.1:0"), 16)
                : ListeningSocket.bind(Address.parse("127.0.0.1:0"), 16);
        ConfigSource source = () -> reloadWith.get();
        ServiceManager manager = new ServiceManager() {
            @Override
            public void notify(String state) {
                notified.add(state);
            }

            @Override
            public Optional<Duration> watchdog() {
                return watchdog;
            }
        };
        this.spawner = new Spawner(config, source, socket, scoreboard, clock, launcher, manager);
    }

    static Config config(Map<Setting<?>, String> settings) {
        Config.Builder builder = Config.builder();
        settings.forEach(builder::set);
        Config config = builder.build();
        Settings.validate(config);
        return config;
    }

    /** What the next reload reads: a configuration, or an exception as a bad file gives. */
    void onReloadRead(Supplier<Config> read) {
        this.reloadWith = read;
    }

    /** One pass now; returns the planned wake-up. */
    long pass() {
        beat();
        return spawner.pass();
    }

    /** Passes, moving the clock to each planned wake-up, until {@code duration} has gone by. */
    void runFor(Duration duration) {
        long end = clock.nanoTime() + duration.toNanos();
        while (true) {
            long wake = pass();
            long now = clock.nanoTime();
            if (now - end >= 0 || spawner.finished()) {
                return;
            }
            clock.advance(Duration.ofNanos(Math.min(wake, end) - now));
        }
    }

    /** The handler reports ready (or standby, if it was started for that), and keeps its heartbeats. */
    void boot(FakeLauncher.Fake fake) {
        var slot = scoreboard.writer(fake.slot(), scoreboard.loopsPerSlot());
        slot.begin(fake.pid, fake.generation(), clock.nanoTime());
        slot.state(fake.standby() ? SlotState.STANDBY : SlotState.READY);
        beating.add(fake);
    }

    /** The handler claims its slot and is still booting (warming up): its signal handlers are in place. */
    void claim(FakeLauncher.Fake fake) {
        scoreboard.writer(fake.slot(), scoreboard.loopsPerSlot()).begin(fake.pid, fake.generation(), clock.nanoTime());
    }

    void bootAll() {
        launcher.alive().stream().filter(f -> !beating.contains(f)).forEach(this::boot);
    }

    /** The handler's first loop answers {@code requests} requests, as its scoreboard counters say. */
    void serve(FakeLauncher.Fake fake, int requests) {
        var counters = scoreboard.writer(fake.slot(), scoreboard.loopsPerSlot()).loop(0);
        for (int i = 0; i < requests; i++) {
            counters.requestStarted();
            counters.requestFinished();
        }
    }

    /** The handler's loops stop stamping: it hangs. */
    void hang(FakeLauncher.Fake fake) {
        beating.remove(fake);
    }

    private void beat() {
        beating.removeIf(f -> f.exitedAlready);
        for (FakeLauncher.Fake f : beating) {
            var slot = scoreboard.writer(f.slot(), scoreboard.loopsPerSlot());
            for (int i = 0; i < slot.loops(); i++) {
                slot.loop(i).stamp(clock.nanoTime(), 0);
            }
        }
    }

    String events() {
        StringBuilder out = new StringBuilder();
        spawner.events().recent().forEach(e -> out.append(e.kind()).append(": ").append(e.reason()).append('\n'));
        return out.toString();
    }

    @Override
    public void close() {
        launcher.spawned.forEach(f -> f.socket.close());
        socket.close();
        scoreboard.close();
    }
}
