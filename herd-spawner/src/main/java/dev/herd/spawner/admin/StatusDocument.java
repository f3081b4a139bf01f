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
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One reading of the server's state, rendered as {@code /status.json} and the HTML status page
 * here, and as Prometheus text by {@link Metrics}. The JSON field names are a documented contract (DESIGN.md, README).
 */
public record StatusDocument(PoolView pool, String address, String origin, ListeningSocket.QueueDepth queue,
                             List<Handler> handlers, List<EventLog.Event> events, long nowNanos) {

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
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
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
                g.writeNumberField("connections", own ? s.connections() : 0);
                g.writeNumberField("in_flight", own ? s.inFlight() : 0);
                g.writeNumberField("requests", own ? s.requests() : 0);
                g.writeNumberField("accepts_won", own ? s.acceptsWon() : 0);
                g.writeNumberField("accepts_lost", own ? s.acceptsLost() : 0);
                g.writeNumberField("accept_errors", own ? s.acceptErrors() : 0);
                g.writeNumberField("accepts_deferred", own ? s.acceptsDeferred() : 0);
                if (own && h.busy().isPresent()) {
                    g.writeNumberField("busy", round(h.busy().getAsDouble()));
                } else {
                    g.writeNullField("busy");
                }
                g.writeNumberField("rebalance_closes", own ? s.rebalanceCloses() : 0);
                g.writeNumberField("limit_closes", own ? s.limitCloses() : 0);
                g.writeNumberField("heartbeat_age_ms", own && s.oldestHeartbeatNanos() != 0
                        ? Math.max(0, (nowNanos - s.oldestHeartbeatNanos()) / 1_000_000) : -1);
                g.writeNumberField("uptime_seconds", (nowNanos - h.entry().spawnedAtNanos()) / 1_000_000_000L);
                g.writeNumberField("rss_bytes", h.rssBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * How a reload ended, for {@code POST /reload}: {@code ok}, the {@code generation} serving,
     * and {@code took_ms} and {@code ignored} (settings that need a restart) or {@code reason}.
     */
    public static String json(ReloadOutcome outcome) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + "\n";
    }

    /** Busyness as shown: three decimals are all a once-a-second ratio can tell. */
    static double round(double busy) {
        return Math.round(busy * 1000) / 1000.0;
    }

    /** The status page: the same facts as the JSON, as tables, refreshed every second. */
    public String html() {
        StringBuilder p = new StringBuilder(4096);
        p.append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"1\">")
                .append("<title>herd status</title><style>body{font-family:sans-serif;margin:1.5em}")
                .append("table{border-collapse:collapse}td,th{padding:.2em .7em;border-bottom:1px solid #ddd;")
                .append("text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}</style></head><body>")
                .append("<h1>herd</h1><p>spawner pid ").append(pool.spawnerPid()).append(", ")
                .append(pool.stopping() ? "stopping" : "running").append(", listening on ").append(escape(address))
                .append(" (").append(origin).append("), accept queue ").append(queue.queued()).append(" of ")
                .append(queue.backlog()).append(", target ").append(pool.targetHandlers()).append(" handlers (")
                .append(pool.scaling()).append("), generation ").append(pool.generation())
                .append(pool.reloading() > 0 ? " (reloading to " + pool.reloading() + ")" : "").append("</p>")
                .append("<table><tr><th>slot</th><th>pid</th><th>gen</th><th class=l>state</th><th>conns</th>")
                .append("<th>in flight</th><th>requests</th><th>busy</th><th>accepts won</th><th>lost</th>")
                .append("<th>errors</th><th>rebalanced</th><th>limit closes</th><th>heartbeat age</th><th>RSS</th></tr>");
        for (Handler h : handlers) {
            SlotSnapshot s = h.slot();
            p.append("<tr><td>").append(h.entry().slot()).append("</td><td>").append(h.entry().pid())
                    .append("</td><td>").append(h.entry().generation()).append("</td><td class=l>").append(h.state())
                    .append("</td><td>").append(s.connections()).append("</td><td>").append(s.inFlight())
                    .append("</td><td>").append(s.requests()).append("</td><td>")
                    .append(h.busy().isPresent() ? String.format(Locale.ROOT, "%.0f %%", h.busy().getAsDouble() * 100) : "-")
                    .append("</td><td>").append(s.acceptsWon())
                    .append("</td><td>").append(s.acceptsLost()).append("</td><td>").append(s.acceptErrors())
                    .append("</td><td>").append(s.rebalanceCloses()).append("</td><td>").append(s.limitCloses())
                    .append("</td><td>").append(s.oldestHeartbeatNanos() == 0 ? "-"
                            : (nowNanos - s.oldestHeartbeatNanos()) / 1_000_000 + " ms")
                    .append("</td><td>").append(h.rssBytes() < 0 ? "-" : h.rssBytes() / (1024 * 1024) + " MiB")
                    .append("</td></tr>");
        }
        p.append("</table><h2>Events</h2><table><tr><th class=l>at</th><th class=l>kind</th>")
                .append("<th class=l>reason</th></tr>");
        for (int i = events.size() - 1; i >= 0; i--) {
            EventLog.Event e = events.get(i);
            p.append("<tr><td class=l>").append(e.at()).append("</td><td class=l>").append(escape(e.kind()))
                    .append("</td><td class=l>").append(escape(e.reason())).append("</td></tr>");
        }
        return p.append("</table></body></html>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
