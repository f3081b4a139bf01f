package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.Settings;
import dev.herd.spawner.scaling.AdaptivePolicy;
import dev.herd.spawner.scaling.ScalingPolicy;
import dev.herd.spawner.scaling.SparePolicy;
import dev.herd.spawner.scaling.StaticPolicy;

/** The scaling policy a configuration asks for, and the pool size to start with. */
final class Policies {
    private Policies() {
    }

    static ScalingPolicy of(Config config) {
        return switch (Settings.scaling(config)) {
            case STATIC -> new StaticPolicy(config.get(Settings.HANDLERS));
            case SPARE -> new SparePolicy(config.get(Settings.MIN_HANDLERS), config.get(Settings.MAX_HANDLERS),
                    config.get(Settings.MIN_SPARE), config.get(Settings.MAX_SPARE),
                    config.get(Settings.MAX_SPAWN_RATE), config.get(Settings.IDLE_TIMEOUT));
            case ADAPTIVE -> new AdaptivePolicy(config.get(Settings.MIN_HANDLERS), config.get(Settings.MAX_HANDLERS),
                    config.get(Settings.MAX_SPAWN_RATE), config.get(Settings.IDLE_TIMEOUT));
        };
    }

    static int initialTarget(Config config) {
        return switch (Settings.scaling(config)) {
            case STATIC -> config.get(Settings.HANDLERS);
            case SPARE -> Math.min(config.get(Settings.MAX_HANDLERS),
                    Math.max(config.get(Settings.MIN_HANDLERS), config.get(Settings.MIN_SPARE)));
            case ADAPTIVE -> config.get(Settings.MIN_HANDLERS);
        };
    }

    /**
     * The target once a reload's configuration applies: static takes its new --handlers; the
     * others keep the size the load asked for, within their new bounds.
     */
    static int targetAfterReload(Config config, int current) {
        return switch (Settings.scaling(config)) {
            case STATIC -> config.get(Settings.HANDLERS);
            case SPARE, ADAPTIVE -> Math.clamp(current, config.get(Settings.MIN_HANDLERS),
                    config.get(Settings.MAX_HANDLERS));
        };
    }
}
