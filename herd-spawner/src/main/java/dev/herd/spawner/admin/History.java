package dev.herd.spawner.admin;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last minutes of the server, a sample a second, for the dashboard's charts
 * ({@code GET /history.json?since=MILLIS}): handlers accepting against the target and the accept
 * queue, requests answered since the start (the page turns them into a rate), open connections and
 * the mean busyness of the accepting handlers. Safe from any thread.
 */
final class History {
    /** Five minutes at one sample a second. */
    static final int SAMPLES = 300;

    /**
     * @param atMillis    wall-clock time of the sample
     * @param accepting   handlers accepting (idle or busy)
     * @param target      the target number of handlers
     * @param queued      connections in the kernel's accept queue (-1: unknown)
     * @param requests    requests answered by every handler since the start
     * @param connections open connections over the handlers
     * @param busy        mean busyness of the accepting handlers that report one (0 to 1; -1: none yet)
     */
    record Sample(long atMillis, int accepting, int target, long queued, long requests, long connections,
                  double busy) {
        static Sample of(StatusDocument doc, long atMillis) {
            int accepting = 0;
            long connections = 0;
            long requests = doc.pool().counts().exitedRequests();
            double busySum = 0;
            int busyCount = 0;
            for (StatusDocument.Handler h : doc.handlers()) {
                if (!h.ownsSlot()) {
                    continue;
                }
                requests += h.slot().requests();
                connections += h.slot().connections();
                String state = h.state();
                if (state.equals("idle") || state.equals("busy")) {
                    accepting++;
                    if (h.busy().isPresent()) {
                        busySum += h.busy().getAsDouble();
                        busyCount++;
                    }
                }
            }
            return new Sample(atMillis, accepting, doc.pool().targetHandlers(), doc.queue().queued(), requests,
                    connections, busyCount == 0 ? -1 : StatusDocument.round(busySum / busyCount));
        }
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>(SAMPLES);

    synchronized void add(Sample sample) {
        if (samples.size() == SAMPLES) {
            samples.removeFirst();
        }
        samples.addLast(sample);
    }

    /** The samples taken after {@code sinceMillis}, oldest first. */
    synchronized List<Sample> since(long sinceMillis) {
        return samples.stream().filter(s -> s.atMillis() > sinceMillis).toList();
    }

    /** As JSON: {@code {"samples":[{"at":MILLIS,"accepting":N,...},...]}}. */
    static String json(List<Sample> samples) {
        return StatusDocument.json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("samples");
            for (Sample s : samples) {
                g.writeStartObject();
                g.writeNumberField("at", s.atMillis());
                g.writeNumberField("accepting", s.accepting());
                g.writeNumberField("target", s.target());
                g.writeNumberField("queued", s.queued());
                g.writeNumberField("requests", s.requests());
                g.writeNumberField("connections", s.connections());
                g.writeNumberField("busy", s.busy());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
