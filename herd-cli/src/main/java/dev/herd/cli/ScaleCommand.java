package dev.herd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code herd scale N|auto}: fix the running server's handler count, or give it back to the policy. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Fix the number of handlers at N (until 'herd scale auto'), or hand it back to the scaling policy.")
final class ScaleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "N|auto", description = "Handler count, or auto.")
    String handlers;

    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        if (!handlers.equals("auto") && !handlers.matches("\\d{1,6}")) {
            System.err.println("herd scale: expected a whole number of handlers or auto, got '" + handlers + "'");
            return 2;
        }
        return admin.post("scale", "/scale?handlers=" + handlers);
    }
}
