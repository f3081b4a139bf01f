package dev.herd.bench;

import dev.herd.testkit.HttpProbe;
import dev.herd.testkit.KeepAliveConnection;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load on 127.0.0.1: requests start on a fixed schedule, each on a new connection and
 * its own virtual thread, whatever the server does, and each latency counts from the request's
 * scheduled start. A server that stalls makes the requests scheduled meanwhile wait, and that
 * shows (a closed-loop client would just send fewer requests and hide the stall).
 */
final class OpenLoop {
    /** One request: its scheduled start (nanos since the load began), its latency from then, and whether it got a 200. */
    record Done(long scheduledNanos, long latencyNanos, boolean ok) {
    }

    /** Latency percentiles and failures of some requests. */
    record Summary(int requests, int failed, double p50Ms, double p99Ms, double p999Ms, double maxMs) {
        static Summary of(List<Done> done) {
            long[] latencies = done.stream().mapToLong(Done::latencyNanos).sorted().toArray();
            int failed = (int) done.stream().filter(d -> !d.ok()).count();
            return new Summary(latencies.length, failed, percentile(latencies, 0.50), percentile(latencies, 0.99),
                    percentile(latencies, 0.999), latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6);
        }

        private static double percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
        }

        @Override
        public String toString() {
            return String.format("%,d requests, %d failed, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms",
                    requests, failed, p50Ms, p99Ms, p999Ms, maxMs);
        }
    }

    private OpenLoop() {
    }

    /**
     * Sends {@code GET target} to {@code address} at {@code perSecond} for {@code length}, and
     * returns every request once all have ended (each has at most {@code timeout}).
     */
    static List<Done> run(SocketAddress address, String target, int perSecond, Duration length, Duration timeout)
            throws InterruptedException {
        ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
        long period = 1_000_000_000L / perSecond;
        int count = (int) (length.toNanos() / period);
        List<Thread> threads = new ArrayList<>(count);
        long origin = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long scheduled = (long) i * period;
            for (long wait; (wait = origin + scheduled - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            threads.add(Thread.ofVirtual().start(() -> {
                boolean ok;
                try {
                    ok = HttpProbe.get(address, target, timeout).status() == 200;
                } catch (IOException e) {
                    ok = false;
                }
                done.add(new Done(scheduled, System.nanoTime() - origin - scheduled, ok));
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return inScheduleOrder(done);
    }

    /**
     * The same schedule over {@code connections} persistent connections, as a proxy's upstream
     * pool sends it: request {@code i} goes on connection {@code i % connections}, each connection
     * sends its requests one after the other, and a request that finds its connection still busy
     * waits, which counts in its latency (from its scheduled start). A connection held by a stalled
     * server process makes its requests wait; the others go on. Requests still running
     * {@code timeout} after the schedule ended are interrupted and count as failed.
     */
    static List<Done> runKeepAlive(SocketAddress address, String target, int perSecond, Duration length,
                                   Duration timeout, int connections) throws InterruptedException {
        ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
        long period = 1_000_000_000L / perSecond;
        int count = (int) (length.toNanos() / period);
        long origin = System.nanoTime();
        List<Thread> threads = new ArrayList<>(connections);
        for (int c = 0; c < connections; c++) {
            int first = c;
            threads.add(Thread.ofVirtual().start(() -> {
                try (KeepAliveConnection connection = new KeepAliveConnection(address)) {
                    for (int i = first; i < count; i += connections) {
                        long scheduled = (long) i * period;
                        for (long wait; (wait = origin + scheduled - System.nanoTime()) > 0; ) {
                            LockSupport.parkNanos(wait);
                        }
                        boolean ok;
                        try {
                            ok = !Thread.currentThread().isInterrupted() && connection.get(target).status() == 200;
                        } catch (IOException e) {
                            ok = false;
                        }
                        done.add(new Done(scheduled, System.nanoTime() - origin - scheduled, ok));
                    }
                }
            }));
        }
        long deadline = origin + length.toNanos() + timeout.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                t.interrupt(); // closes its connection: the request in flight fails, the rest fail at once
                t.join();
            }
        }
        return inScheduleOrder(done);
    }

    private static List<Done> inScheduleOrder(ConcurrentLinkedQueue<Done> done) {
        Done[] all = done.toArray(Done[]::new);
        Arrays.sort(all, (a, b) -> Long.compare(a.scheduledNanos(), b.scheduledNanos()));
        return List.of(all);
    }

    /**
     * The worst latency of the requests scheduled in each {@code bucket} of the load, in ms, as
     * "12 3.4 0.9 ..." from the start: where in the run a stall was, and how long it lasted.
     */
    static String timeline(List<Done> done, Duration bucket) {
        long width = bucket.toNanos();
        int buckets = done.isEmpty() ? 0 : (int) (done.getLast().scheduledNanos() / width) + 1;
        double[] worst = new double[buckets];
        for (Done d : done) {
            int i = (int) (d.scheduledNanos() / width);
            worst[i] = Math.max(worst[i], d.latencyNanos() / 1e6);
        }
        StringBuilder line = new StringBuilder();
        for (double w : worst) {
            line.append(line.isEmpty() ? "" : " ").append(w >= 10 ? String.format("%.0f", w) : String.format("%.1f", w));
        }
        return line.toString();
    }
}
