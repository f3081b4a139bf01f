package dev.herd.spawner;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The spawner's recent decisions and observations, each with its reason, for the log and the
 * status page. Bounded: the oldest entries fall off.
 */
public final class EventLog {
    private static final System.Logger LOG = System.getLogger("dev.herd.spawner");

    public record Event(Instant at, String kind, String reason) {
    }

    private final int capacity;
    private final ArrayDeque<Event> events;
    private volatile List<Event> published = List.of();

    public EventLog(int capacity) {
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
    }

    /** Called on the spawner thread: records and logs. */
    public void add(System.Logger.Level level, String kind, String reason) {
        LOG.log(level, reason);
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(new Event(Instant.now(), kind, reason));
        published = List.copyOf(events);
    }

    /** Safe from any thread: the events as of the last {@link #add}, oldest first. */
    public List<Event> recent() {
        return published;
    }
}
