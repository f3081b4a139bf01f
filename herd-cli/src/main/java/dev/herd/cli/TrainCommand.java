package dev.herd.cli;

import dev.herd.cli.config.LayeredConfig;
import dev.herd.config.Config;
import dev.herd.spawner.JarAotTraining;

import java.util.Map;

/** {@code herd train}. */
final class TrainCommand extends SettingsCommand {

    TrainCommand(Map<String, String> environment) {
        super("train", "Train the AOT cache of an existing server's jar (--jar) now, with the options herd serve "
                + "would run it with, and exit; herd serve trains it on first use otherwise.", environment);
    }

    @Override
    int run(LayeredConfig source, Config config) {
        return JarAotTraining.train(config, System.out, System.err).status();
    }
}
