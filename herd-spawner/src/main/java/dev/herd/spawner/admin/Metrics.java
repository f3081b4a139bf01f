package dev.herd.spawner.admin;

import dev.herd.spawner.Counts;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@code GET /metrics}: one reading of the server ({@link StatusDocument}) in the Prometheus text
 * format, made with the Prometheus Java client library's metric model and text writer. Each
 * scrape builds its metrics from that reading, so a scrape is consistent and nothing is shared
 * between concurrent ones.
 *
 * <p>A handler's series are labelled by {@code slot} and {@code generation}, never by pid: a
 * handler that replaces another in its slot carries its series on, and its counters go on from
 * where the one before stopped (the spawner keeps the counters of handlers that have exited, for
 * as long as their generation runs).
 */
final class Metrics {
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** Every state a handler can be in, so that each has a series even at zero. */
    static final List<String> STATES = List.of("starting", "standby", "idle", "busy", "draining");

    private Metrics() {
    }

    static String render(StatusDocument doc) {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counts.View counts = doc.pool().counts();

        gauge(registry, "herd_target_handlers", "Handlers the spawner aims to run.", doc.pool().targetHandlers());
        gauge(registry, "herd_max_handlers", "The most handlers the pool may be asked to run.", doc.pool().maxTarget());
        gauge(registry, "herd_generation", "The generation serving: 1 at start, one more for every reload.",
                doc.pool().generation());
        if (!doc.pool().certificates().isEmpty()) {
            GaugeWithCallback.builder().name("herd_tls_certificate_expiry_timestamp_seconds")
                    .help("When each TLS certificate served expires, in seconds since the Unix epoch.")
                    .labelNames("file", "subject")
                    .callback(cb -> doc.pool().certificates().forEach(c ->
                            cb.call(c.notAfter().getEpochSecond(), c.file(), c.subject())))
                    .register(registry);
        }
        GaugeWithCallback.builder().name("herd_handlers").help("Handler processes alive, by state.")
                .labelNames("state")
                .callback(cb -> {
                    Map<String, Long> byState = new LinkedHashMap<>();
                    STATES.forEach(s -> byState.put(s, 0L));
                    doc.handlers().forEach(h -> byState.merge(h.state(), 1L, Long::sum));
                    byState.forEach((state, n) -> cb.call(n, state));
                })
                .register(registry);
        if (doc.queue().queued() >= 0) {
            gauge(registry, "herd_accept_queue_length", "Connections waiting in the kernel's accept queue.",
                    doc.queue().queued());
            gauge(registry, "herd_accept_queue_capacity", "Size of the kernel's accept queue.", doc.queue().backlog());
        }
        labelledCounter(registry, "herd_handler_restarts", "Handlers replaced, by cause: crash (exited or "
                        + "killed by something else than herd), oom (a SIGKILL while the kernel's OOM-kill count rose), "
                        + "hung (killed by herd after its heartbeats stopped), boot_failure, recycled (--max-requests, "
                        + "--max-rss).", "cause", List.of("crash", "oom", "hung", "boot_failure", "recycled"),
                counts.restarts());
        labelledCounter(registry, "herd_scale_events", "Changes of the target number of handlers, by direction.",
                "direction", List.of("up", "down"), counts.scaling());
        labelledCounter(registry, "herd_reloads", "Reloads, by outcome.", "outcome", List.of("reloaded", "failed"),
                counts.reloads());

        Map<Counts.SlotKey, Counts.Totals> totals = handlerTotals(doc, counts);
        CounterWithCallback.builder().name("herd_requests").help("Requests answered by every handler since the start.")
                .callback(cb -> cb.call(counts.exitedRequests()
                        + doc.handlers().stream().filter(StatusDocument.Handler::ownsSlot)
                        .mapToLong(h -> h.slot().requests()).sum()))
                .register(registry);
        perHandlerCounter(registry, totals, "herd_handler_requests", "Requests answered.", Counts.Totals::requests);
        perHandlerCounter(registry, totals, "herd_handler_accepts_won", "Accepts that got a connection.",
                Counts.Totals::acceptsWon);
        perHandlerCounter(registry, totals, "herd_handler_accepts_lost",
                "Wake-ups whose accept found nothing: another loop won the race.", Counts.Totals::acceptsLost);
        perHandlerCounter(registry, totals, "herd_handler_accept_errors", "Accepts that failed.",
                Counts.Totals::acceptErrors);
        perHandlerCounter(registry, totals, "herd_handler_accepts_deferred",
                "Wake-ups a loop let pass because it held more than its fair share of connections, or its handler "
                        + "held --max-connections.", Counts.Totals::acceptsDeferred);
        perHandlerCounter(registry, totals, "herd_handler_rebalance_closes",
                "Keep-alive connections asked to reconnect because their loop held more than its fair share.",
                Counts.Totals::rebalanceCloses);
        perHandlerCounter(registry, totals, "herd_handler_limit_closes",
                "Keep-alive connections ended by --keepalive-requests or --max-connection-age.",
                Counts.Totals::limitCloses);

        // An existing server's JVM (--jar) does not tell herd what it serves: no series, rather than 0.
        perHandlerGauge(registry, "herd_handler_connections", "Open connections.", doc,
                h -> h.entry().foreign() ? null : (double) h.slot().connections());
        perHandlerGauge(registry, "herd_handler_in_flight", "Requests being answered.", doc,
                h -> h.entry().foreign() ? null : (double) h.slot().inFlight());
        perHandlerGauge(registry, "herd_handler_busy",
                "Share of the last heartbeat interval its loops were not waiting for I/O (mean over its loops).", doc,
                h -> h.busy().isPresent() ? StatusDocument.round(h.busy().getAsDouble()) : null);
        perHandlerGauge(registry, "herd_handler_resident_bytes", "Resident memory.", doc,
                h -> h.rssBytes() >= 0 ? (double) h.rssBytes() : null);

        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The counters of every slot and generation: those of handlers that have exited, plus those of
     * the live handler in the slot.
     */
    private static Map<Counts.SlotKey, Counts.Totals> handlerTotals(StatusDocument doc, Counts.View counts) {
        Map<Counts.SlotKey, Counts.Totals> totals = new java.util.TreeMap<>(
                java.util.Comparator.comparingInt(Counts.SlotKey::generation).thenComparingInt(Counts.SlotKey::slot));
        totals.putAll(counts.exited());
        for (StatusDocument.Handler h : doc.handlers()) {
            Counts.SlotKey key = new Counts.SlotKey(h.entry().slot(), h.entry().generation());
            Counts.Totals live = h.ownsSlot() ? Counts.Totals.of(h.slot()) : Counts.Totals.ZERO;
            totals.merge(key, live, Counts.Totals::plus);
        }
        return totals;
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, double value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value)).register(registry);
    }

    /** A counter with one label, a series for every value in {@code labels} (zero until counted). */
    private static void labelledCounter(PrometheusRegistry registry, String name, String help, String label,
                                        List<String> labels, Map<String, Long> counted) {
        CounterWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(cb -> labels.forEach(l -> cb.call(counted.getOrDefault(l, 0L), l)))
                .register(registry);
    }

    private static void perHandlerCounter(PrometheusRegistry registry, Map<Counts.SlotKey, Counts.Totals> totals,
                                          String name, String help, ToLongFunction<Counts.Totals> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("slot", "generation")
                .callback(cb -> totals.forEach((key, t) -> cb.call(value.applyAsLong(t),
                        String.valueOf(key.slot()), String.valueOf(key.generation()))))
                .register(registry);
    }

    /** One sample per handler that owns its slot and has a value (null: no sample). */
    private static void perHandlerGauge(PrometheusRegistry registry, String name, String help, StatusDocument doc,
                                        java.util.function.Function<StatusDocument.Handler, Double> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("slot", "generation")
                .callback(cb -> {
                    for (StatusDocument.Handler h : doc.handlers()) {
                        Double v = h.ownsSlot() ? value.apply(h) : null;
                        if (v != null) {
                            cb.call(v, String.valueOf(h.entry().slot()), String.valueOf(h.entry().generation()));
                        }
                    }
                })
                .register(registry);
    }
}
