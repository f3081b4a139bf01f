package dev.herd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code herd stop}: a graceful stop of the running server, as SIGTERM would. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the running server gracefully: handlers finish their requests, then exit.")
final class StopCommand implements Callable<Integer> {
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        try {
            System.out.print(admin.client().post("/stop"));
            return 0;
        } catch (IOException e) {
            System.err.println("herd stop: " + e.getMessage());
            return 1;
        }
    }
}
