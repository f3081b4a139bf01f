package dev.herd.bench;

import dev.herd.os.Posix;
import dev.herd.os.Signal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a paused process does to a server's new connections: an open-loop load of new connections
 * ({@link OpenLoop}: latency from each request's scheduled start) on a server whose process
 * {@code PID} is stopped for {@code PAUSE_MS} every {@code PERIOD_MS} (SIGSTOP, then SIGCONT: how a
 * stop-the-world GC pause looks from outside), then the same load without pauses. A server of
 * several processes keeps accepting in the others; a single process stalls every connection.
 * Last, the paused schedule again over {@link #CONNECTIONS} keep-alive connections
 * ({@link OpenLoop#runKeepAlive}): a connection the paused process holds cannot move, so the share
 * of its requests that waited shows how many connections the paused process held.
 *
 * <pre>bench/run-main.sh dev.herd.bench.PauseLoad LABEL PORT PID RATE SECONDS [PAUSE_MS] [PERIOD_MS]</pre>
 *
 * It prints one line per run and a final Markdown row: label, then p50, p99, p99.9 and max of the
 * paused run of new connections, its requests slower than 20 ms, failures, the unpaused p99, and
 * the keep-alive run's p99 and share of requests slower than 20 ms.
 */
public final class PauseLoad {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final double SLOW_MS = 20;
    /** The keep-alive run's connections, as many as the peer harness's wrk uses. */
    static final int CONNECTIONS = 50;

    public static void main(String[] args) throws Exception {
        if (args.length < 5 || args.length > 7) {
            System.err.println("usage: PauseLoad LABEL PORT PID RATE SECONDS [PAUSE_MS] [PERIOD_MS]");
            System.exit(2);
        }
        String label = args[0];
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
        long pid = Long.parseLong(args[2]);
        int rate = Integer.parseInt(args[3]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[4]));
        Duration pause = Duration.ofMillis(args.length > 5 ? Long.parseLong(args[5]) : 200);
        Duration period = Duration.ofMillis(args.length > 6 ? Long.parseLong(args[6]) : 1000);
        if (rate <= 0 || length.isZero() || length.isNegative() || pause.compareTo(period) >= 0) {
            System.err.println("PauseLoad: RATE and SECONDS must be positive, PAUSE_MS less than PERIOD_MS");
            System.exit(2);
        }

        // Warm both sides first: the generator's JIT and the server's, and the generator's first
        // kill(2) (signal 0 only checks the process), whose foreign-function link takes long enough
        // to stall this JVM's own requests for a moment.
        if (!Posix.kill(pid, 0)) {
            System.err.println("PauseLoad: no process " + pid);
            System.exit(2);
        }
        OpenLoop.run(address, "/", rate, Duration.ofSeconds(2), TIMEOUT);
        List<OpenLoop.Done> paused = paused(pid, pause, period,
                () -> OpenLoop.run(address, "/", rate, length, TIMEOUT));
        List<OpenLoop.Done> steady = OpenLoop.run(address, "/", rate, length, TIMEOUT);
        List<OpenLoop.Done> kept = paused(pid, pause, period,
                () -> OpenLoop.runKeepAlive(address, "/", rate, length, TIMEOUT, CONNECTIONS));
        OpenLoop.Summary withPauses = OpenLoop.Summary.of(paused);
        OpenLoop.Summary without = OpenLoop.Summary.of(steady);
        OpenLoop.Summary keptPaused = OpenLoop.Summary.of(kept);
        String stops = String.format("pid %d stopped %d ms every %d ms", pid, pause.toMillis(), period.toMillis());
        System.out.printf("%s, new connections, %s: %s; slower than %.0f ms: %.1f %%%n",
                label, stops, withPauses, SLOW_MS, slowShare(paused));
        System.out.printf("  worst ms per 100 ms: %s%n", OpenLoop.timeline(paused, ColdStart.TIMELINE));
        System.out.printf("%s, new connections, no pauses: %s%n", label, without);
        System.out.printf("%s, %d keep-alive connections, %s: %s; slower than %.0f ms: %.1f %%%n",
                label, CONNECTIONS, stops, keptPaused, SLOW_MS, slowShare(kept));
        System.out.printf("| %s | %.2f | %.2f | %.2f | %.2f | %.1f %% | %d | %.2f | %.2f | %.1f %% |%n", label,
                withPauses.p50Ms(), withPauses.p99Ms(), withPauses.p999Ms(), withPauses.maxMs(), slowShare(paused),
                withPauses.failed() + keptPaused.failed(), without.p99Ms(), keptPaused.p99Ms(), slowShare(kept));
    }

    /** The share of requests slower than {@link #SLOW_MS}, in percent. */
    private static double slowShare(List<OpenLoop.Done> done) {
        return 100.0 * done.stream().filter(d -> d.latencyNanos() / 1e6 > SLOW_MS).count() / Math.max(1, done.size());
    }

    private interface Load {
        List<OpenLoop.Done> run() throws InterruptedException;
    }

    /** Runs {@code load} while a thread stops {@code pid} for {@code pause} every {@code period}. */
    private static List<OpenLoop.Done> paused(long pid, Duration pause, Duration period, Load load)
            throws InterruptedException {
        AtomicBoolean pausing = new AtomicBoolean(true);
        Thread pauser = Thread.ofPlatform().daemon().name("pauser").start(() -> {
            while (pausing.get()) {
                StepLoad.pause(period.minus(pause));
                Posix.kill(pid, Signal.STOP.number());
                try {
                    StepLoad.pause(pause);
                } finally {
                    Posix.kill(pid, Signal.CONT.number());
                }
            }
        });
        try {
            return load.run();
        } finally {
            pausing.set(false);
            pauser.join();
        }
    }
}
