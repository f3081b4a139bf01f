package dev.herd.spawner;

import java.time.Duration;
import java.util.List;

/** How a reload ended: the new generation serves, or the old one still does and why. */
public sealed interface ReloadOutcome {

    /**
     * @param generation the generation now serving
     * @param took       from the request to the new generation carrying the pool
     * @param ignored    settings that changed but need a restart, each with what still applies
     */
    record Reloaded(int generation, Duration took, List<String> ignored) implements ReloadOutcome {
    }

    /**
     * @param generation the generation still serving
     * @param reason     one line: the configuration error, or how the new generation failed
     */
    record Failed(int generation, String reason) implements ReloadOutcome {
    }
}
