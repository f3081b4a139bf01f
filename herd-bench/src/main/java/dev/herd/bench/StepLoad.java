package dev.herd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.testkit.HerdProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Step-load benchmark of the scaling policies. For each configuration: a real {@code herd serve}
 * on 127.0.0.1, idle, then a step to {@code CLIENTS} clients, held, then idle again. Each request
 * burns CPU ({@code /spin}), so the load busies the loops, which is what makes a policy grow. The
 * clients either send one request per new connection, or, with {@code keepalive}, keep one
 * connection each as browsers and proxies do: a load that a grown pool only relieves if clients
 * move to the new handlers.
 * Prints, per configuration: how long the pool took to reach the maximum, p50/p99 latency in the
 * first 5 s of the step and after, failed requests, the handler-seconds spent (handler
 * processes alive, standby included, integrated over the run: the resource side of the balance),
 * and how the requests of the step's last {@link #SPREAD} spread over the handlers.
 *
 * <pre>bench/step-load.sh [SECONDS_OF_STEP] [keepalive]</pre>
 */
public final class StepLoad {
    static final int MAX = 4;
    static final int CLIENTS = 32;
    static final String TARGET = "/spin?ms=5";
    /** The end of the step over which the spread of requests over handlers is measured. */
    static final Duration SPREAD = Duration.ofSeconds(5);
    static final Duration IDLE_BEFORE = Duration.ofSeconds(3);
    static final Duration IDLE_AFTER = Duration.ofSeconds(15);
    static final Duration FIRST = Duration.ofSeconds(5);

    record Config(String name, List<String> args) {
    }

    record Sample(long atNanos, int alive, int accepting, int target) {
    }

    record Result(String name, long targetMs, long toTwoMs, long toMaxMs, double[] firstLatencies, double[] laterLatencies, long failed,
                  long requests, double handlerSeconds, String spread) {
    }

    public static void main(String[] args) throws Exception {
        Duration step = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 20);
        boolean keepAlive = args.length > 1 && args[1].equals("keepalive");
        List<String> common = List.of("--min-handlers", "1", "--max-handlers", "" + MAX, "--idle-timeout", "5s",
                "--scale-interval", "500ms");
        List<Config> configs = List.of(
                new Config("static (4)", List.of("--scaling", "static", "--handlers", "" + MAX)),
                new Config("spare", concat(common, "--scaling", "spare", "--min-spare", "1", "--max-spare", "2")),
                new Config("spare + standby 3", concat(common, "--scaling", "spare", "--min-spare", "1",
                        "--max-spare", "2", "--standby", "3")),
                new Config("adaptive", concat(common, "--scaling", "adaptive")),
                new Config("adaptive + standby 3", concat(common, "--scaling", "adaptive", "--standby", "3")));
        System.out.printf("step load: %d clients, %s, GET %s; step %d s, then %d s idle;"
                        + " 127.0.0.1, %d cores shared with the load%n%n", CLIENTS,
                keepAlive ? "each on a keep-alive connection" : "one request per connection", TARGET, step.toSeconds(),
                IDLE_AFTER.toSeconds(), Runtime.getRuntime().availableProcessors());
        List<Result> results = new ArrayList<>();
        // CONFIGS=adaptive,spare runs those alone.
        String only = System.getenv().getOrDefault("CONFIGS", "");
        for (Config c : configs) {
            if (only.isBlank() || List.of(only.split(",")).contains(c.name())) {
                results.add(run(c, step, keepAlive));
            }
        }
        System.out.println();
        System.out.println("| config | target " + MAX + " after | 2 accepting after | " + MAX + " accepting after "
                + "| p50 / p99 first 5 s (ms) | p50 / p99 after (ms) | requests | failed | handler-seconds "
                + "| requests per handler, last " + SPREAD.toSeconds() + " s of the step |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.1f / %.1f | %.1f / %.1f | %d | %d | %.1f | %s |%n",
                    r.name(), r.targetMs() < 0 ? "never" : r.targetMs() + " ms",
                    r.toTwoMs() < 0 ? "never" : r.toTwoMs() + " ms", r.toMaxMs() < 0 ? "never" : r.toMaxMs() + " ms",
                    pct(r.firstLatencies(), 50), pct(r.firstLatencies(), 99),
                    pct(r.laterLatencies(), 50), pct(r.laterLatencies(), 99), r.requests(), r.failed(),
                    r.handlerSeconds(), r.spread());
        }
    }

    private static Result run(Config config, Duration step, boolean keepAlive) throws Exception {
        System.out.println("== " + config.name() + ": herd serve " + String.join(" ", config.args()));
        try (HerdProcess herd = HerdProcess.serve("step-" + config.name().replaceAll("\\W+", "-"),
                config.args().toArray(String[]::new))) {
            herd.awaitReady(config.name().startsWith("static") ? MAX : 1);
            List<Sample> samples = new ArrayList<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (sampling.get()) {
                    try {
                        JsonNode s = herd.status();
                        synchronized (samples) {
                            samples.add(new Sample(System.nanoTime(), s.path("handlers").size(),
                                    HerdProcess.readyPids(s).size(), s.path("target_handlers").asInt()));
                        }
                    } catch (RuntimeException e) {
                        // A status read that failed is one sample less.
                    }
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
            });
            pause(IDLE_BEFORE);
            long stepStart = System.nanoTime();
            Clients clients = new Clients(herd.address(), TARGET, CLIENTS, keepAlive, stepStart);
            pause(step.minus(SPREAD));
            JsonNode spreadStart = herd.status();
            pause(SPREAD);
            String spread = spread(spreadStart, herd.status());
            List<Clients.Done> done = clients.stop();
            pause(IDLE_AFTER);
            sampling.set(false);
            sampler.join();

            long toMax = -1;
            long toTwo = -1;
            long targetAtMax = -1;
            double handlerSeconds = 0;
            synchronized (samples) {
                for (int i = 0; i < samples.size(); i++) {
                    Sample s = samples.get(i);
                    if (targetAtMax < 0 && s.atNanos() >= stepStart && s.target() >= MAX) {
                        targetAtMax = (s.atNanos() - stepStart) / 1_000_000;
                    }
                    if (toTwo < 0 && s.atNanos() >= stepStart && s.accepting() >= 2) {
                        toTwo = (s.atNanos() - stepStart) / 1_000_000;
                    }
                    if (toMax < 0 && s.atNanos() >= stepStart && s.accepting() >= MAX) {
                        toMax = (s.atNanos() - stepStart) / 1_000_000;
                    }
                    if (i > 0) {
                        handlerSeconds += s.alive() * (s.atNanos() - samples.get(i - 1).atNanos()) / 1e9;
                    }
                }
            }
            List<Double> first = new ArrayList<>();
            List<Double> later = new ArrayList<>();
            long failed = 0;
            for (Clients.Done r : done) {
                if (!r.ok()) {
                    failed++;
                    continue;
                }
                (r.startNanos() < FIRST.toNanos() ? first : later).add(r.latencyNanos() / 1e6);
            }
            Result result = new Result(config.name(), targetAtMax, toTwo, toMax, sorted(first), sorted(later), failed, done.size(),
                    handlerSeconds, spread);
            System.out.printf(Locale.ROOT, "   %d requests, %d failed, pool at %d after %s, %.1f handler-seconds%n",
                    result.requests(), failed, MAX, toMax < 0 ? "never" : toMax + " ms", handlerSeconds);
            return result;
        }
    }

    /**
     * Requests each handler answered between two readings of the status, as percentages of all,
     * largest first, with the keep-alive clients it asked to reconnect meanwhile: "45% 20% 18% 17%
     * (12 reconnects)".
     */
    static String spread(JsonNode before, JsonNode after) {
        java.util.Map<Long, Long> start = new java.util.HashMap<>();
        before.path("handlers").forEach(h -> start.put(h.path("pid").asLong(), h.path("requests").asLong()));
        List<Long> served = new ArrayList<>();
        long reconnects = 0;
        for (JsonNode h : after.path("handlers")) {
            Long from = start.get(h.path("pid").asLong());
            if (from != null && h.path("state").asText().matches("idle|busy")) {
                served.add(h.path("requests").asLong() - from);
            }
            reconnects += h.path("rebalance_closes").asLong();
        }
        long total = served.stream().mapToLong(Long::longValue).sum();
        StringBuilder out = new StringBuilder();
        served.stream().sorted(java.util.Comparator.reverseOrder()).forEach(n -> out.append(out.isEmpty() ? "" : " ")
                .append(total == 0 ? 0 : Math.round(100.0 * n / total)).append('%'));
        return out + " (" + reconnects + " reconnects asked)";
    }

    static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static double pct(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static void pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }
}
