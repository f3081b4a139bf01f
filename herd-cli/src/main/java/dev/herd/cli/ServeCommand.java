package dev.herd.cli;

import dev.herd.cli.config.LayeredConfig;
import dev.herd.config.Config;
import dev.herd.spawner.Server;

import java.util.Map;

/** {@code herd serve}. */
final class ServeCommand extends SettingsCommand {

    ServeCommand(Map<String, String> environment) {
        super("serve", "Bind the address, start the handler processes and serve until stopped "
                + "(SIGTERM, SIGINT, herd stop).", environment);
    }

    @Override
    int run(LayeredConfig source, Config config) {
        return Server.serve(config, source, System.err).status();
    }
}
