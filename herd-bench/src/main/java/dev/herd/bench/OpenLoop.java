package dev.herd.bench;

import dev.herd.testkit.HttpProbe;

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
        Done[] all = done.toArray(Done[]::new);
        Arrays.sort(all, (a, b) -> Long.compare(a.scheduledNanos(), b.scheduledNanos()));
        return List.of(all);
    }
}
