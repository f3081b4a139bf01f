package dev.herd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code herd stop}: a graceful stop of the running server, as SIGTERM would. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop the running server gracefully: handlers finish their requests, then exit.")
final class StopCommand implements Callable<Integer> {
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        return admin.post("stop", "/stop");
    }
}
