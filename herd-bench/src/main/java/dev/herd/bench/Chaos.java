package dev.herd.bench;

import dev.herd.testkit.HttpProbe;
import dev.herd.testkit.KeepAliveConnection;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fault injection under load, against a running server on 127.0.0.1: CLIENTS closed-loop clients
 * (half a new connection per request, half keep-alive) run SECONDS undisturbed, then SECONDS more
 * while a random worker process is killed with SIGKILL every 500 ms. It prints requests sent,
 * succeeded and failed in each phase, the rate during the chaos against the undisturbed rate, and
 * failures per kill.
 *
 * <pre>java ... Chaos PORT herd:ADMIN_PORT|children:MASTER_PID CLIENTS SECONDS</pre>
 * Workers: herd's handlers from its status endpoint, or the children of a master process (nginx).
 */
public final class Chaos {
    private static final Duration KILL_EVERY = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern PID = Pattern.compile(
            "\"pid\"\\s*:\\s*(\\d+),\\s*\"generation\"\\s*:\\s*\\d+,\\s*\"state\"\\s*:\\s*\"(idle|busy)\"");

    private Chaos() {
    }

    /** Requests of one phase. */
    record Counts(long sent, long ok, long failed, long failedKept) {
        @Override
        public String toString() {
            return String.format("%,d sent, %,d succeeded, %,d failed (%,d on a new connection, %,d on a kept one)",
                    sent, ok, failed, failed - failedKept, failedKept);
        }
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        String workers = args[1];
        int clients = Integer.parseInt(args[2]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[3]));

        load(address, clients, Duration.ofSeconds(3), null);
        Counts calm = load(address, clients, length, null);
        List<Long> killed = new ArrayList<>();
        Counts chaos = load(address, clients, length, () -> killOne(workers, killed));

        double calmRate = calm.ok() / (double) length.toSeconds();
        double chaosRate = chaos.ok() / (double) length.toSeconds();
        System.out.printf("%d clients (%d new-connection, %d keep-alive), %d s each phase%n",
                clients, clients / 2, clients - clients / 2, length.toSeconds());
        System.out.printf("undisturbed: %s; %,.0f req/s%n", calm, calmRate);
        System.out.printf("kill -9 every %d ms: %s; %,.0f req/s (%.2f of undisturbed); %d kills, %.1f failed per kill%n",
                KILL_EVERY.toMillis(), chaos, chaosRate, chaosRate / calmRate, killed.size(),
                killed.isEmpty() ? 0.0 : chaos.failed() / (double) killed.size());
    }

    /** Runs the clients for {@code length}; {@code fault}, if any, runs every {@link #KILL_EVERY} meanwhile. */
    private static Counts load(InetSocketAddress address, int clients, Duration length, Runnable fault)
            throws InterruptedException {
        LongAdder sent = new LongAdder();
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder failedKept = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                boolean keepAlive = c % 2 == 1;
                pool.submit(() -> {
                    KeepAliveConnection kept = keepAlive ? new KeepAliveConnection(address) : null;
                    while (running.get()) {
                        sent.increment();
                        try {
                            HttpProbe.Reply reply = keepAlive ? kept.get("/") : HttpProbe.get(address, "/", TIMEOUT);
                            if (reply.status() != 200) {
                                throw new IllegalStateException("status " + reply.status());
                            }
                            ok.increment();
                        } catch (Exception e) {
                            failed.increment();
                            if (keepAlive) {
                                failedKept.increment();
                            }
                        }
                    }
                    if (kept != null) {
                        kept.close();
                    }
                    return null;
                });
            }
            long end = System.nanoTime() + length.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(KILL_EVERY);
                if (fault != null) {
                    fault.run();
                }
            }
            running.set(false);
        }
        return new Counts(sent.sum(), ok.sum(), failed.sum(), failedKept.sum());
    }

    private static final Random RANDOM = new Random(42);

    private static void killOne(String workers, List<Long> killed) {
        List<Long> pids = workerPids(workers);
        if (pids.isEmpty()) {
            return;
        }
        long victim = pids.get(RANDOM.nextInt(pids.size()));
        ProcessHandle.of(victim).ifPresent(p -> {
            if (p.destroyForcibly()) {
                killed.add(victim);
            }
        });
    }

    private static List<Long> workerPids(String workers) {
        if (workers.startsWith("children:")) {
            long master = Long.parseLong(workers.substring("children:".length()));
            return ProcessHandle.of(master).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
        }
        String admin = workers.substring("herd:".length());
        try (HttpClient client = HttpClient.newHttpClient()) {
            String status = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/status.json"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body();
            List<Long> pids = new ArrayList<>();
            for (Matcher m = PID.matcher(status); m.find(); ) {
                pids.add(Long.parseLong(m.group(1)));
            }
            return pids;
        } catch (Exception e) {
            return List.of();
        }
    }
}
