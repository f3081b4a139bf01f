package dev.herd.spawner.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.herd.os.ListeningSocket;
import dev.herd.scoreboard.SlotSnapshot;
import dev.herd.spawner.EventLog;
import dev.herd.spawner.PoolView;
import dev.herd.spawner.ReloadOutcome;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One reading of the server's state, rendered as {@code /status.json} here (which the dashboard
 * draws), and as Prometheus text by {@link Metrics}. The JSON field names are a documented contract (docs/operations.md, "status.json").
 */
public record StatusDocument(PoolView pool, String address, String origin, ListeningSocket.QueueDepth queue,
                             List<Handler> handlers, List<EventLog.Event> events, long nowNanos, Instant now) {

    /** Read now by the wall clock (for how long certificates have left). */
    public StatusDocument(PoolView pool, String address, String origin, ListeningSocket.QueueDepth queue,
                          List<Handler> handlers, List<EventLog.Event> events, long nowNanos) {
        this(pool, address, origin, queue, handlers, events, nowNanos, Instant.now());
    }

    /**
     * A handler as the spawner knows it, joined with what its scoreboard slot says.
     *
     * @param busy the mean {@linkplain dev.herd.spawner.scaling.Busyness busyness} of its loops over
     *             their last heartbeat interval; empty until two readings of its slot can tell
     */
    public record Handler(PoolView.Entry entry, SlotSnapshot slot, long rssBytes, OptionalDouble busy) {
        /** Whether the slot is this handler's already: its counters are its own. */
        boolean ownsSlot() {
            return slot.pid() == entry.pid();
        }

        String state() {
            if (entry.phase().equals("stopping")) {
                return "draining";
            }
            if (slot.pid() != entry.pid()) {
                return "starting";
            }
            return slot.stateName();
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** What writes one JSON document. */
    @FunctionalInterface
    interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    /** The JSON document {@code body} writes. */
    static String json(JsonBody body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Resident memory of a process, from /proc; -1 if it is gone. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring("VmRSS:".length()).replace("kB", "").strip();
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public String json() {
        return json(g -> {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("spawner");
            g.writeNumberField("pid", pool.spawnerPid());
            g.writeNumberField("uptime_seconds", (nowNanos - pool.startedAtNanos()) / 1_000_000_000L);
            g.writeStringField("state", pool.stopping() ? "stopping" : "running");
            g.writeEndObject();
            g.writeObjectFieldStart("address");
            g.writeStringField("bind", address);
            g.writeStringField("origin", origin);
            g.writeNumberField("queued", queue.queued());
            g.writeNumberField("backlog", queue.backlog());
            g.writeEndObject();
            g.writeNumberField("generation", pool.generation());
            if (pool.reloading() > 0) {
                g.writeNumberField("reloading", pool.reloading());
            } else {
                g.writeNullField("reloading");
            }
            g.writeNumberField("target_handlers", pool.targetHandlers());
            g.writeStringField("scaling", pool.scaling());
            g.writeArrayFieldStart("handlers");
            for (Handler h : handlers) {
                SlotSnapshot s = h.slot();
                boolean own = s.pid() == h.entry().pid();
                g.writeStartObject();
                g.writeNumberField("slot", h.entry().slot());
                g.writeNumberField("pid", h.entry().pid());
                g.writeNumberField("generation", h.entry().generation());
                g.writeStringField("state", h.state());
                g.writeBooleanField("retiring", h.entry().phase().equals("retiring"));
                // An existing server's JVM (--jar) does not tell herd what it serves: null, not 0. Its
                // accepts on herd's socket are counted (libherd-socket sees them).
                boolean counted = !h.entry().foreign();
                g.writeStringField("kind", counted ? "herd" : "jar");
                counter(g, "connections", counted, own ? s.connections() : 0);
                counter(g, "in_flight", counted, own ? s.inFlight() : 0);
                counter(g, "requests", counted, own ? s.requests() : 0);
                counter(g, "accepts_won", true, own ? s.acceptsWon() : 0);
                counter(g, "accepts_lost", true, own ? s.acceptsLost() : 0);
                counter(g, "accept_errors", true, own ? s.acceptErrors() : 0);
                counter(g, "accepts_deferred", counted, own ? s.acceptsDeferred() : 0);
                if (own && h.busy().isPresent()) {
                    g.writeNumberField("busy", round(h.busy().getAsDouble()));
                } else {
                    g.writeNullField("busy");
                }
                counter(g, "rebalance_closes", counted, own ? s.rebalanceCloses() : 0);
                counter(g, "limit_closes", counted, own ? s.limitCloses() : 0);
                g.writeNumberField("heartbeat_age_ms", own && s.oldestHeartbeatNanos() != 0
                        ? Math.max(0, (nowNanos - s.oldestHeartbeatNanos()) / 1_000_000) : -1);
                g.writeNumberField("uptime_seconds", (nowNanos - h.entry().spawnedAtNanos()) / 1_000_000_000L);
                g.writeNumberField("rss_bytes", h.rssBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
            writeTls(g);
            g.writeArrayFieldStart("events");
            for (EventLog.Event e : events) {
                g.writeStartObject();
                g.writeStringField("at", e.at().toString());
                g.writeStringField("kind", e.kind());
                g.writeStringField("reason", e.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The certificates served, with when each expires; null without TLS. */
    private void writeTls(JsonGenerator g) throws IOException {
        if (pool.certificates().isEmpty()) {
            g.writeNullField("tls");
            return;
        }
        g.writeObjectFieldStart("tls");
        g.writeArrayFieldStart("certificates");
        for (PoolView.Certificate c : pool.certificates()) {
            g.writeStartObject();
            g.writeStringField("file", c.file());
            g.writeStringField("subject", c.subject());
            g.writeArrayFieldStart("names");
            for (String name : c.names()) {
                g.writeString(name);
            }
            g.writeEndArray();
            g.writeStringField("key", c.key());
            g.writeStringField("not_after", c.notAfter().toString());
            g.writeNumberField("expires_in_seconds", expiresInSeconds(c));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Seconds until {@code c} expires; negative once it has. */
    long expiresInSeconds(PoolView.Certificate c) {
        return java.time.Duration.between(now, c.notAfter()).toSeconds();
    }

    /** A counter of the handler's, or null where herd does not know it. */
    private static void counter(JsonGenerator g, String name, boolean known, long value) throws IOException {
        if (known) {
            g.writeNumberField(name, value);
        } else {
            g.writeNullField(name);
        }
    }

    /**
     * How a reload ended, for {@code POST /reload}: {@code ok}, the {@code generation} serving,
     * and {@code took_ms} and {@code ignored} (settings that need a restart) or {@code reason}.
     */
    public static String json(ReloadOutcome outcome) {
        return json(g -> {
            g.writeStartObject();
            switch (outcome) {
                case ReloadOutcome.Reloaded(int generation, java.time.Duration took, List<String> ignored) -> {
                    g.writeBooleanField("ok", true);
                    g.writeNumberField("generation", generation);
                    g.writeNumberField("took_ms", took.toMillis());
                    g.writeArrayFieldStart("ignored");
                    for (String line : ignored) {
                        g.writeString(line);
                    }
                    g.writeEndArray();
                }
                case ReloadOutcome.Failed(int generation, String reason) -> {
                    g.writeBooleanField("ok", false);
                    g.writeNumberField("generation", generation);
                    g.writeStringField("reason", reason);
                }
            }
            g.writeEndObject();
        }) + "\n";
    }

    /** Busyness as shown: three decimals are all a once-a-second ratio can tell. */
    static double round(double busy) {
        return Math.round(busy * 1000) / 1000.0;
    }
}
