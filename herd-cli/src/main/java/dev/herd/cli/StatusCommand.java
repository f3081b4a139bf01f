package dev.herd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code herd status}: the running server's status page as a table. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running server's handlers and recent events.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    AdminOption admin;

    @Option(names = "--json", description = "Print /status.json as it is.")
    boolean json;

    @Option(names = "--events", paramLabel = "N", defaultValue = "10",
            description = "How many recent events to show. Default: ${DEFAULT-VALUE}.")
    int events;

    @Override
    public Integer call() {
        JsonNode status;
        try {
            status = admin.client().status();
        } catch (IOException e) {
            System.err.println("herd status: " + e.getMessage());
            return 1;
        }
        if (json) {
            System.out.println(status.toPrettyString());
        } else {
            System.out.print(render(status, events));
        }
        return 0;
    }

    static String render(JsonNode s, int eventCount) {
        StringBuilder out = new StringBuilder();
        JsonNode address = s.path("address");
        out.append(String.format("spawner %d %s, listening on %s (%s), accept queue %d/%d, target %d handlers (%s), "
                        + "generation %d%s%n%n",
                s.path("spawner").path("pid").asLong(), s.path("spawner").path("state").asText(),
                address.path("bind").asText(), address.path("origin").asText(), address.path("queued").asLong(),
                address.path("backlog").asLong(), s.path("target_handlers").asInt(), s.path("scaling").asText(),
                s.path("generation").asInt(), s.path("reloading").isNumber()
                        ? " (reloading to " + s.path("reloading").asInt() + ")" : ""));
        String row = "%4s %8s %4s %-9s %6s %9s %10s %11s %11s %7s %10s %8s%n";
        out.append(String.format(row, "SLOT", "PID", "GEN", "STATE", "CONNS", "IN-FLIGHT", "REQUESTS",
                "ACCEPTS-WON", "ACCEPTS-LOST", "ERRORS", "HEARTBEAT", "RSS"));
        for (JsonNode h : s.path("handlers")) {
            long age = h.path("heartbeat_age_ms").asLong();
            long rss = h.path("rss_bytes").asLong();
            out.append(String.format(row, h.path("slot").asInt(), h.path("pid").asLong(),
                    h.path("generation").asInt(), h.path("state").asText(), known(h, "connections"),
                    known(h, "in_flight"), known(h, "requests"), known(h, "accepts_won"),
                    known(h, "accepts_lost"), known(h, "accept_errors"),
                    age < 0 ? "-" : age + "ms", rss < 0 ? "-" : rss / (1024 * 1024) + "MiB"));
        }
        JsonNode events = s.path("events");
        if (eventCount > 0 && !events.isEmpty()) {
            out.append(String.format("%nrecent events:%n"));
            for (int i = Math.max(0, events.size() - eventCount); i < events.size(); i++) {
                JsonNode e = events.get(i);
                out.append(String.format("  %s %-12s %s%n", e.path("at").asText(), e.path("kind").asText(),
                        e.path("reason").asText()));
            }
        }
        return out.toString();
    }

    /** A handler's counter, or "-" where herd does not know it (an existing server's JVM, --jar). */
    private static String known(JsonNode handler, String field) {
        JsonNode value = handler.path(field);
        return value.isNumber() ? String.valueOf(value.asLong()) : "-";
    }
}
