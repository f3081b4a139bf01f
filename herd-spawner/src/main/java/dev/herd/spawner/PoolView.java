package dev.herd.spawner;

import java.util.List;

/**
 * The spawner's handlers as it last published them, for readers on other threads (the admin
 * endpoints). Immutable.
 */
public record PoolView(long spawnerPid, long startedAtNanos, boolean stopping, int targetHandlers,
                       String scaling, List<Entry> handlers) {

    public record Entry(int slot, long pid, int generation, String phase, long spawnedAtNanos) {
    }
}
