package dev.herd.cli;

import dev.herd.config.AdminToken;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Optional;

/** The {@code --admin ADDR} and {@code --admin-token} options of the commands that talk to a running server. */
final class AdminOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--admin", paramLabel = "ADDR", defaultValue = "127.0.0.1:8081",
            description = "Admin address of the running server. Default: ${DEFAULT-VALUE}.")
    String address;

    @Option(names = "--admin-token", paramLabel = "file:PATH|env:NAME", defaultValue = "${env:HERD_ADMIN_TOKEN}",
            description = "Where the server's admin token is (its --admin-token), if it has one. "
                    + "Default: $HERD_ADMIN_TOKEN.")
    String token;

    /**
     * {@code POST path} for {@code herd COMMAND}: prints the answer and returns 0, or prints why
     * not and returns 1.
     */
    int post(String command, String path) {
        try {
            System.out.print(client().post(path));
            return 0;
        } catch (IOException e) {
            System.err.println("herd " + command + ": " + e.getMessage());
            return 1;
        }
    }

    AdminClient client() {
        if (token == null || token.isBlank()) {
            return new AdminClient(address, Optional.empty());
        }
        try {
            return new AdminClient(address, Optional.of(AdminToken.parse(token).read(System.getenv())));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().startsWith("--admin-token")
                    ? e.getMessage() : "invalid value for --admin-token: '" + token + "': " + e.getMessage());
        }
    }
}
