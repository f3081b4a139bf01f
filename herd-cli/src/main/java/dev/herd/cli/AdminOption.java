package dev.herd.cli;

import picocli.CommandLine.Option;

/** The {@code --admin ADDR} option of the commands that talk to a running server. */
final class AdminOption {
    @Option(names = "--admin", paramLabel = "ADDR", defaultValue = "127.0.0.1:8081",
            description = "Admin address of the running server. Default: ${DEFAULT-VALUE}.")
    String address;

    AdminClient client() {
        return new AdminClient(address);
    }
}
