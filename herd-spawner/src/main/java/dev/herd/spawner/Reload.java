package dev.herd.spawner;

import dev.herd.config.Config;
import dev.herd.config.Setting;
import dev.herd.config.Settings;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A reload under way: the new generation boots beside the serving one, which keeps accepting
 * until enough of the new one is ready to carry the pool. Used on the spawner thread only.
 *
 * @param next            the generation being started
 * @param requestedAtNanos when it was asked for
 * @param source          who asked (SIGHUP, admin POST /reload)
 * @param outcome         completed when it ends, either way
 * @param ignored         settings that changed but need a restart, as reported
 */
record Reload(Generation next, long requestedAtNanos, String source, CompletableFuture<ReloadOutcome> outcome,
              List<String> ignored) {

    /**
     * The configuration a reload applies: what was read, except the settings that need a restart
     * (the socket and the admin endpoint stay bound, the scoreboard's layout follows the loops per
     * handler), which keep the running values and where they came from.
     *
     * @param ignored receives one line for each such setting that changed
     */
    static Config effective(Config running, Config read, List<String> ignored) {
        Config.Builder builder = Config.builder().programArgs(read.programArgs());
        for (Setting<?> setting : Settings.SERVE) {
            Config from = setting.reloadable() ? read : running;
            if (!setting.reloadable() && !running.text(setting).equals(read.text(setting))) {
                ignored.add(setting.option() + " " + read.text(setting) + " needs a restart; "
                        + running.text(setting) + " still applies");
            }
            if (from.isSet(setting)) {
                builder.set(setting, from.text(setting), from.origin(setting));
            }
        }
        return builder.build();
    }
}
